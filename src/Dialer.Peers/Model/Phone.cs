namespace Dialer.Peers.Model;

/// <summary>
/// A phone peer as stored. The password is never kept: only the digest HA1 values
/// (RFC 7616 §3.4.2: HA1 = H(username:realm:password)) for MD5 and SHA-256.
/// </summary>
public sealed record Phone(
    string Extension,
    string DisplayName,
    string AuthUsername,
    string Realm,
    PhoneCredentials Credentials,
    IReadOnlyList<string> Codecs,
    int MaxContacts,
    bool Active,
    long Version);

/// <summary>HA1 digests of a phone's password; the hex strings are lower case.</summary>
public sealed record PhoneCredentials(string Ha1Md5, string Ha1Sha256)
{
    /// <summary>Never print digests: they are password equivalents for their realm.</summary>
    public override string ToString() => "PhoneCredentials { *** }";
}
