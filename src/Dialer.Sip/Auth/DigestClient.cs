using System.Globalization;
using System.Security.Cryptography;

namespace Dialer.Sip.Auth;

/// <summary>Client side of digest: answers a 401/407 challenge (RFC 3261 §22.2, RFC 7616 §3.4).</summary>
public static class DigestClient
{
    /// <param name="challenge">The WWW-Authenticate or Proxy-Authenticate value.</param>
    /// <param name="method">The method of the request being resent.</param>
    /// <param name="uri">Its Request-URI.</param>
    /// <param name="username">Our username.</param>
    /// <param name="password">Our password.</param>
    /// <param name="nonceCount">1 for the first use of this nonce.</param>
    /// <param name="authorization">The Authorization / Proxy-Authorization value to send.</param>
    /// <returns>False when the challenge is not a digest challenge we can answer.</returns>
    public static bool TryAnswer(string challenge, string method, string uri, string username, string password, uint nonceCount, out string authorization)
    {
        authorization = "";
        if (!DigestParameters.TryParse(challenge, out var p) || p["realm"] is not { } realm || p["nonce"] is not { } nonce
            || !DigestAlgorithms.TryParse(p["algorithm"], out var algorithm))
        {
            return false;
        }
        var ha1 = DigestAlgorithms.Hash(algorithm, $"{username}:{realm}:{password}");
        var a2 = DigestAlgorithms.Hash(algorithm, $"{method}:{uri}");
        var useQop = p["qop"]?.Split(',').Any(q => q.Trim().Equals("auth", StringComparison.OrdinalIgnoreCase)) == true;
        var parts = new List<string>
        {
            $"username={DigestParameters.Quote(username)}",
            $"realm={DigestParameters.Quote(realm)}",
            $"nonce={DigestParameters.Quote(nonce)}",
            $"uri={DigestParameters.Quote(uri)}",
        };
        if (useQop)
        {
            var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
            var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            parts.Add($"response=\"{DigestAlgorithms.Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:auth:{a2}")}\"");
            parts.Add("qop=auth");
            parts.Add($"nc={nc}");
            parts.Add($"cnonce=\"{cnonce}\"");
        }
        else
        {
            parts.Add($"response=\"{DigestAlgorithms.Hash(algorithm, $"{ha1}:{nonce}:{a2}")}\"");
        }
        parts.Add($"algorithm={DigestAlgorithms.NameOf(algorithm)}");
        if (p["opaque"] is { } opaque)
        {
            parts.Add($"opaque={DigestParameters.Quote(opaque)}");
        }
        authorization = "Digest " + string.Join(", ", parts);
        return true;
    }
}
