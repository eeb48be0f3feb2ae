namespace Dialer.Peers.Model;

/// <summary>
/// A phone peer as an admin writes it (API JSON body or CLI options), before validation.
/// Every property is optional here so that validation can name each missing or bad field.
/// </summary>
public sealed class PhoneInput
{
    public string? Extension { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>Write-only. Required on create; on replace, null keeps the stored credentials.</summary>
    public string? Password { get; set; }
    public string? AuthUsername { get; set; }
    public string? Realm { get; set; }
    public List<string>? Codecs { get; set; }
    public int? MaxContacts { get; set; }
    /// <summary>Trunk names the phone may call out through; ["*"] for all. Null or absent means none ([]).</summary>
    public List<string>? OutboundTrunks { get; set; }
    /// <summary>The caller number carriers see: digits with an optional '+', or "anonymous". Null or "" means the extension.</summary>
    public string? CallerId { get; set; }
    /// <summary>
    /// "MD5" and/or "SHA-256" (any casing), each once, in the order the registrar offers them (RFC 8760).
    /// Null or [] means the server default (Dialer:Edge:DigestAlgorithms).
    /// </summary>
    public List<string>? DigestAlgorithms { get; set; }
    public bool? Active { get; set; }
}
