using System.Net;
using System.Net.Sockets;
using Dialer.Peers.Model;

namespace Dialer.Peers.Validation;

/// <summary>Field rules shared by phones, trunks and campaigns. Each adds a message naming what is wrong.</summary>
internal static class Rules
{
    // RFC 3261 §25.1 user = 1*( unreserved / escaped / user-unreserved ); escapes are not accepted here.
    private const string SipUserExtras = "-_.!~*'()&=+$,;?/";
    // RFC 3261 §25.1 uri-parameter characters (param-unreserved / unreserved), plus '=' and ';' between params.
    private const string UriParamExtras = "-_.!~*'()[]/:&+$=;";

    public static bool Required(ValidationErrors errors, string field, object? value)
    {
        if (value is null || (value is string text && text.Length == 0))
        {
            errors.Add(field, "is required");
            return false;
        }
        return true;
    }

    /// <summary>Names of trunks and campaigns appear in URLs and SIP headers: keep them to a safe token.</summary>
    public static void Name(ValidationErrors errors, string field, string? value)
    {
        if (!Required(errors, field, value))
        {
            return;
        }
        if (value!.Length > 64 || !char.IsAsciiLetterOrDigit(value[0]) ||
            !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add(field, "must be 1-64 characters of letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
    }

    public static void PlainText(ValidationErrors errors, string field, string? value, int max)
    {
        if (value is null)
        {
            return;
        }
        if (value.Length > max)
        {
            errors.Add(field, $"must be at most {max} characters");
        }
        if (value.Any(char.IsControl))
        {
            errors.Add(field, "must not contain control characters");
        }
    }

    public static void Digits(ValidationErrors errors, string field, string? value, int min, int max)
    {
        if (value is null)
        {
            return;
        }
        if (value.Length < min || value.Length > max || !value.All(char.IsAsciiDigit))
        {
            errors.Add(field, min == max ? $"must be {min} digits" : $"must be {min}-{max} digits");
        }
    }

    public static void SipUser(ValidationErrors errors, string field, string? value, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        if (value.Length > max || !value.All(c => char.IsAsciiLetterOrDigit(c) || SipUserExtras.Contains(c, StringComparison.Ordinal)))
        {
            errors.Add(field, $"must be at most {max} characters allowed in a SIP URI user part (letters, digits, {SipUserExtras})");
        }
    }

    public static void UriParams(ValidationErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        if (value.Length > 255 || value.Contains(";;", StringComparison.Ordinal) ||
            !value.All(c => char.IsAsciiLetterOrDigit(c) || UriParamExtras.Contains(c, StringComparison.Ordinal)))
        {
            errors.Add(field, "must be SIP URI parameters such as 'user=phone;npdi' (at most 255 characters)");
        }
    }

    public static void Range(ValidationErrors errors, string field, int? value, int min, int max)
    {
        if (value is { } number && (number < min || number > max))
        {
            errors.Add(field, $"must be between {min} and {max}");
        }
    }

    public static void Host(ValidationErrors errors, string field, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Add(field, "is required");
            }
            return;
        }
        if (!IsHost(value))
        {
            errors.Add(field, $"'{value}' is not an IPv4 address, IPv6 address or DNS name");
        }
    }

    /// <summary>An IP literal (IPv6 with or without brackets) or an RFC 1123 host name.</summary>
    public static bool IsHost(string value)
    {
        var unbracketed = value.StartsWith('[') && value.EndsWith(']') ? value[1..^1] : value;
        if (IPAddress.TryParse(unbracketed, out var address) && !unbracketed.Contains('%', StringComparison.Ordinal))
        {
            return address.AddressFamily == AddressFamily.InterNetworkV6 || unbracketed == value;
        }
        if (value.Length > 253)
        {
            return false;
        }
        var labels = value.TrimEnd('.').Split('.');
        return labels.All(label => label.Length is > 0 and <= 63
            && char.IsAsciiLetterOrDigit(label[0]) && char.IsAsciiLetterOrDigit(label[^1])
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            && !labels[^1].All(char.IsAsciiDigit);
    }

    /// <summary>Strips IPv6 brackets so that hosts are stored one way.</summary>
    public static string NormalizeHost(string value) =>
        value.StartsWith('[') && value.EndsWith(']') ? value[1..^1].ToLowerInvariant() : value.ToLowerInvariant();

    /// <summary>Ordered, known, without duplicates; returns the canonical spellings.</summary>
    public static IReadOnlyList<string> CodecList(ValidationErrors errors, string field, List<string>? value)
    {
        if (value is null)
        {
            return Codecs.Default;
        }
        if (value.Count == 0)
        {
            errors.Add(field, "must list at least one codec");
            return [];
        }
        var result = new List<string>(value.Count);
        for (var i = 0; i < value.Count; i++)
        {
            var canonical = value[i] is null ? null : Codecs.Canonical(value[i]);
            if (canonical is null)
            {
                errors.Add($"{field}[{i}]", $"'{value[i]}' is not a known codec ({string.Join(", ", Codecs.Known)})");
            }
            else if (result.Contains(canonical))
            {
                errors.Add($"{field}[{i}]", $"'{canonical}' is listed twice");
            }
            else
            {
                result.Add(canonical);
            }
        }
        if (result.Count > 0 && result.All(codec => codec == "telephone-event"))
        {
            errors.Add(field, "must list at least one audio codec besides telephone-event");
        }
        return result;
    }
}
