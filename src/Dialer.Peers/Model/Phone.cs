namespace Dialer.Peers.Model;

/// <summary>
/// A phone peer as stored. The password is never kept: only the digest HA1 values
/// (RFC 7616 §3.4.2: HA1 = H(username:realm:password)) for MD5 and SHA-256.
/// Phones are not dialers: <c>OutboundTrunks</c> says which trunks the phone may call out through (empty for none,
/// <see cref="OutboundTrunkList.All"/> alone for every trunk, otherwise names as the trunks spell them; see
/// <see cref="MayUseTrunk"/>), and <c>CallerId</c> is the caller number a carrier sees for its calls (PAI/RPID/From
/// user), never what the phone wrote: empty means the extension, otherwise digits with an optional leading '+',
/// or "anonymous". <c>DigestAlgorithms</c> are the digest algorithms the registrar offers the phone, canonical names
/// of <see cref="DigestAlgorithmList"/> in offer order; empty means the server default (Dialer:Edge:DigestAlgorithms).
/// </summary>
public sealed record Phone(
    string Extension,
    string DisplayName,
    string AuthUsername,
    string Realm,
    PhoneCredentials Credentials,
    IReadOnlyList<string> Codecs,
    int MaxContacts,
    IReadOnlyList<string> OutboundTrunks,
    string CallerId,
    IReadOnlyList<string> DigestAlgorithms,
    bool Active,
    long Version)
{
    /// <summary>
    /// Whether this phone may place a call through the trunk of that name: never when <see cref="OutboundTrunks"/> is
    /// empty, always when it is ["*"], otherwise when it names the trunk (case-insensitive, like trunk names everywhere).
    /// Whether the phone is active, or the trunk exists or is active, is not this method's business.
    /// </summary>
    public bool MayUseTrunk(string trunkName) => OutboundTrunkList.Allows(OutboundTrunks, trunkName);
}

/// <summary>HA1 digests of a phone's password; the hex strings are lower case.</summary>
public sealed record PhoneCredentials(string Ha1Md5, string Ha1Sha256)
{
    /// <summary>Never print digests: they are password equivalents for their realm.</summary>
    public override string ToString() => "PhoneCredentials { *** }";
}
