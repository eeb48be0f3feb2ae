using System.Security.Cryptography;
using System.Text;

namespace Dialer.Sip.Auth;

/// <summary>Digest algorithms: MD5 (RFC 2617) and SHA-256 (RFC 7616, RFC 8760 for SIP).</summary>
public enum DigestAlgorithm { Md5, Sha256 }

public static class DigestAlgorithms
{
    public static string NameOf(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";

    /// <summary>A missing algorithm parameter means MD5 (RFC 2617 §3.2.1).</summary>
    public static bool TryParse(string? name, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (name is null || name.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (name.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }
        return false;
    }

    /// <summary>H(data) as lower-case hex.</summary>
    public static string Hash(DigestAlgorithm algorithm, string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
#pragma warning disable CA5351 // RFC 2617 digest is defined over MD5; SIP phones still use it.
        return Convert.ToHexStringLower(algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes));
#pragma warning restore CA5351
    }
}
