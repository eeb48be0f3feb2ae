using Dialer.Peers.Model;
using Dialer.Peers.Security;

namespace Dialer.Peers.Validation;

/// <summary>The one place where admin input becomes a valid peer; the API and the CLI both call it.</summary>
public static partial class PeerValidator
{
    /// <param name="input">What the admin sent.</param>
    /// <param name="extension">The extension from the URL on replace; null on create.</param>
    /// <param name="existing">The stored phone on replace, to tell whether credentials may be kept.</param>
    /// <param name="defaults">Defaults for fields left out.</param>
    public static PhoneDraft Phone(PhoneInput input, string? extension, Phone? existing, PeerDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(defaults);
        var errors = new ValidationErrors();
        var ext = input.Extension ?? extension;
        if (Rules.Required(errors, "extension", ext))
        {
            Rules.Digits(errors, "extension", ext, 1, 20);
            if (extension is not null && input.Extension is not null && input.Extension != extension)
            {
                errors.Add("extension", "does not match the extension in the URL; renaming is not supported");
            }
        }
        Rules.PlainText(errors, "displayName", input.DisplayName, 128);
        var authUsername = string.IsNullOrEmpty(input.AuthUsername) ? ext ?? "" : input.AuthUsername;
        Rules.SipUser(errors, "authUsername", authUsername, 64);
        var realm = string.IsNullOrEmpty(input.Realm) ? existing?.Realm ?? defaults.Realm : input.Realm;
        if (realm.Length > 128 || realm.Any(c => char.IsControl(c) || c is '"' or '\\'))
        {
            errors.Add("realm", "must be at most 128 characters without quotes, backslashes or control characters");
        }
        var credentials = PhoneCredentialsFrom(errors, input.Password, authUsername, realm, existing);
        var codecs = Rules.CodecList(errors, "codecs", input.Codecs);
        Rules.Range(errors, "maxContacts", input.MaxContacts, 1, 100);
        var outboundTrunks = OutboundTrunksFrom(errors, input.OutboundTrunks);
        var callerId = input.CallerId ?? "";
        if (!IsCallerId(callerId))
        {
            errors.Add("callerId", "must be empty (the extension), up to 32 digits with an optional leading '+', or 'anonymous'");
        }
        var digestAlgorithms = DigestAlgorithmsFrom(errors, input.DigestAlgorithms);
        errors.ThrowIfAny();
        return new PhoneDraft(ext!, input.DisplayName ?? "", authUsername, realm, credentials, codecs,
            input.MaxContacts ?? 1, outboundTrunks, callerId, digestAlgorithms, input.Active ?? true);
    }

    /// <summary>[] (or absent) the server default, else distinct canonical names in the order given (RFC 8760 §2.4).</summary>
    private static string[] DigestAlgorithmsFrom(ValidationErrors errors, List<string>? given)
    {
        if (given is null)
        {
            return [];
        }
        var result = new List<string>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            var field = $"digestAlgorithms[{i}]";
            var canonical = DigestAlgorithmList.Canonical(given[i]);
            if (canonical is null)
            {
                errors.Add(field, $"'{given[i]}' is not a digest algorithm the registrar offers ({string.Join(", ", DigestAlgorithmList.Known)})");
            }
            else if (result.Contains(canonical))
            {
                errors.Add(field, $"'{canonical}' is listed twice");
            }
            else
            {
                result.Add(canonical);
            }
        }
        return [.. result];
    }

    /// <summary>
    /// [] (or absent) none, ["*"] all, else distinct trunk names. Whether each trunk exists is checked on write,
    /// in the transaction that stores the phone, as campaign allocations are.
    /// </summary>
    private static string[] OutboundTrunksFrom(ValidationErrors errors, List<string>? given)
    {
        if (given is null || given.Count == 0)
        {
            return [];
        }
        if (given.Count == 1 && given[0] == OutboundTrunkList.All)
        {
            return [OutboundTrunkList.All];
        }
        for (var i = 0; i < given.Count; i++)
        {
            var field = $"outboundTrunks[{i}]";
            if (given[i] == OutboundTrunkList.All)
            {
                errors.Add(field, "'*' (all trunks) must be the only element");
                continue;
            }
            Rules.Name(errors, field, given[i]);
            if (given.Take(i).Any(earlier => string.Equals(earlier, given[i], StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(field, $"trunk '{given[i]}' is listed twice");
            }
        }
        return [.. given];
    }

    private static bool IsCallerId(string value)
    {
        if (value.Length == 0 || value == "anonymous")
        {
            return true;
        }
        var digits = value.StartsWith('+') ? value[1..] : value;
        return value.Length <= 32 && digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }

    private static PhoneCredentials? PhoneCredentialsFrom(
        ValidationErrors errors, string? password, string authUsername, string realm, Phone? existing)
    {
        if (password is null)
        {
            if (existing is null)
            {
                errors.Add("password", "is required when a phone is created");
            }
            else if (existing.AuthUsername != authUsername || existing.Realm != realm)
            {
                // HA1 binds username and realm: without the password a new HA1 cannot be derived.
                errors.Add("password", "is required when authUsername or realm changes");
            }
            return null;
        }
        if (password.Length < 8 || password.Length > 128 || password.Any(char.IsControl))
        {
            errors.Add("password", "must be 8-128 characters without control characters");
            return null;
        }
        return new PhoneCredentials(
            DigestHa1.Md5(authUsername, realm, password),
            DigestHa1.Sha256(authUsername, realm, password));
    }
}
