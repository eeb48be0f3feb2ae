using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dialer.Sip.Uris;

/// <summary>
/// A sip:, sips: or tel: URI (RFC 3261 §19.1, RFC 3966). Parts are kept as written (escapes included);
/// <see cref="Equivalent"/> compares them the way RFC 3261 §19.1.4 says.
/// </summary>
public sealed partial class SipUri
{
    private SipUri(string scheme, string? user, string? password, string host, int? port,
        IReadOnlyList<KeyValuePair<string, string?>> parameters, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Scheme = scheme;
        User = user;
        Password = password;
        Host = host;
        Port = port;
        Parameters = parameters;
        Headers = headers;
    }

    /// <summary>"sip", "sips" or "tel", lower case.</summary>
    public string Scheme { get; }
    /// <summary>The user part as written (may hold %-escapes); for tel: the subscriber number.</summary>
    public string? User { get; }
    public string? Password { get; }
    /// <summary>Host name, IPv4 address or IPv6 reference with brackets (see <see cref="TolerantIpv6"/>); empty for tel:.</summary>
    public string Host { get; }
    public int? Port { get; }
    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public bool IsSecure => Scheme == "sips";
    public bool IsTel => Scheme == "tel";

    /// <summary>The host without IPv6 brackets, e.g. for DNS or socket addresses.</summary>
    public string HostWithoutBrackets => Host.StartsWith('[') ? Host[1..^1] : Host;

    public string? Parameter(string name)
    {
        foreach (var (key, value) in Parameters)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value ?? "";
            }
        }
        return null;
    }

    public bool HasParameter(string name) => Parameter(name) is not null;

    /// <summary>The user part with %-escapes decoded.</summary>
    public string? UnescapedUser => User is null ? null : UriText.Unescape(User);

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri) ? uri : throw new FormatException($"'{text}' is not a valid sip, sips or tel URI");

    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out SipUri? uri)
    {
        // Valid URIs are ASCII; anything else fails in TryParse(string).
        return TryParse(Encoding.UTF8.GetString(text), out uri);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        if (string.IsNullOrEmpty(text) || text.Length > 2048 || text.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0)
        {
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }
        var scheme = text[..colon].ToLowerInvariant();
        var rest = text[(colon + 1)..];
        return scheme switch
        {
            "sip" or "sips" => TryParseSip(scheme, rest, out uri),
            "tel" => TryParseTel(rest, out uri),
            _ => false,
        };
    }

    private static bool TryParseSip(string scheme, string rest, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        // userinfo may hold ';' and '?' (user-unreserved) but no '@', and nothing after it may hold '@':
        // so the last '@' ends userinfo, and only then do ';' and '?' start parameters and headers.
        var at = rest.LastIndexOf('@');
        string? user = null;
        string? password = null;
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var passwordColon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = passwordColon < 0 ? userInfo : userInfo[..passwordColon];
            password = passwordColon < 0 ? null : userInfo[(passwordColon + 1)..];
            if (user.Length == 0 || !UriText.IsValid(user, UriText.IsUserChar)
                || (password is not null && !UriText.IsValid(password, UriText.IsPasswordChar)))
            {
                return false;
            }
        }
        var afterUser = rest[(at + 1)..];
        var question = afterUser.IndexOf('?', StringComparison.Ordinal);
        var headersText = question < 0 ? null : afterUser[(question + 1)..];
        var main = question < 0 ? afterUser : afterUser[..question];
        var semicolon = main.IndexOf(';', StringComparison.Ordinal);
        var hostPort = semicolon < 0 ? main : main[..semicolon];
        if (!TryHostPort(hostPort, out var host, out var port)
            || !TryParameters(semicolon < 0 ? "" : main[semicolon..], out var parameters)
            || !TryHeaders(headersText, out var headers))
        {
            return false;
        }
        uri = new SipUri(scheme, user, password, host, port, parameters, headers);
        return true;
    }

    private static bool TryParseTel(string rest, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        var semicolon = rest.IndexOf(';', StringComparison.Ordinal);
        var number = semicolon < 0 ? rest : rest[..semicolon];
        // RFC 3966: global "+" digits or local digits, with visual separators "-", ".", "(", ")".
        var digits = number.StartsWith('+') ? number[1..] : number;
        if (digits.Length == 0 || digits.AsSpan().IndexOfAnyExcept(s_telDigits) >= 0
            || !TryParameters(semicolon < 0 ? "" : rest[semicolon..], out var parameters))
        {
            return false;
        }
        uri = new SipUri("tel", number, null, "", null, parameters, []);
        return true;
    }

    private static bool TryHostPort(string text, out string host, out int? port)
    {
        port = null;
        host = text;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || TolerantIpv6(text[1..close]) is not { } address)
            {
                return false;
            }
            host = $"[{address}]";
            portText = text[(close + 1)..];
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? "" : text[colon..];
            if (!IsHostName(host))
            {
                return false;
            }
        }
        if (portText.Length > 0)
        {
            if (portText[0] != ':' || !int.TryParse(portText.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || value is < 1 or > 65535)
            {
                return false;
            }
            port = value;
        }
        return true;
    }

    /// <summary>
    /// The address of an IPv6 reference as written (RFC 4291 §2.2), or null. RFC 3261 §25.1 took its IPv6address from
    /// RFC 2373, whose ABNF derives three colons before an embedded IPv4 address ("2001:db8:::192.0.2.1"); RFC 5118
    /// §4.10 asks that it be tolerated, so exactly that form is read as its two-colon twin, and nothing else is loosened.
    /// </summary>
    private static string? TolerantIpv6(string text)
    {
        if (IsIpv6(text))
        {
            return text;
        }
        var colons = text.IndexOf(":::", StringComparison.Ordinal);
        var tail = colons < 0 ? default : text.AsSpan(colons + 3);
        if (colons < 0 || !tail.Contains('.') || tail.Contains(':'))
        {
            return null;
        }
        var twoColons = text.Remove(colons, 1);
        return IsIpv6(twoColons) ? twoColons : null;
    }

    private static bool IsIpv6(string text) => IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>hostname / IPv4address (RFC 3261 §25.1); no escapes allowed in hosts.</summary>
    private static bool IsHostName(string host)
    {
        if (host.Length == 0 || host.Length > 253)
        {
            return false;
        }
        // Label by label, without splitting (this runs for every URI of every message).
        var rest = host.AsSpan().TrimEnd('.');
        while (true)
        {
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.Length == 0 || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1])
                || label.IndexOfAnyExcept(s_labelChars) >= 0)
            {
                return false;
            }
            if (dot < 0)
            {
                return true;
            }
            rest = rest[(dot + 1)..];
        }
    }

    private static readonly System.Buffers.SearchValues<char> s_labelChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly System.Buffers.SearchValues<char> s_telDigits =
        System.Buffers.SearchValues.Create("0123456789ABCDEFabcdef*#-.()");
}
