using System.Security.Cryptography;
using System.Text;

namespace Dialer.Peers.Security;

/// <summary>Admin API tokens: 32 random bytes, stored only as their SHA-256 (high entropy needs no slow hash).</summary>
public static class ApiTokens
{
    public const string Prefix = "dlr_";

    public static string NewToken() => Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
