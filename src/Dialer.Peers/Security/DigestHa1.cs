using System.Security.Cryptography;
using System.Text;

namespace Dialer.Peers.Security;

/// <summary>
/// HA1 = H(username ":" realm ":" password) as in RFC 2617 §3.2.2.2 and RFC 7616 §3.4.2, lower-case hex.
/// Stored instead of the password, so the registrar can check MD5 and SHA-256 digests alike.
/// </summary>
public static class DigestHa1
{
#pragma warning disable CA5351 // RFC 2617 digest is defined over MD5 and most phones offer nothing else.
    public static string Md5(string username, string realm, string password) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}")));
#pragma warning restore CA5351

    public static string Sha256(string username, string realm, string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}")));
}
