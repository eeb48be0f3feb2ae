using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Dialer.Sip.Auth;

/// <summary>
/// Server side of SIP digest (RFC 3261 §22, RFC 7616, RFC 8760): challenges with MD5 and SHA-256, qop=auth,
/// stateless nonces; checks responses in constant time and refuses a nonce-count that does not increase.
/// </summary>
public sealed class DigestServer(DigestNonces nonces, int maxTrackedNonces = 100_000)
{
    private static readonly string s_dummyHa1 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private readonly ConcurrentDictionary<string, uint> _lastCount = new(StringComparer.Ordinal);

    /// <summary>
    /// The WWW-Authenticate / Proxy-Authenticate values, one per algorithm in the order given (RFC 8760 §2.4: most
    /// preferred first). Default SHA-256 then MD5.
    /// </summary>
    public string[] Challenges(string realm, bool stale, IReadOnlyList<DigestAlgorithm>? order = null) =>
        [.. (order ?? s_preferred).Select(algorithm => Challenge(realm, algorithm, stale))];

    private static readonly DigestAlgorithm[] s_preferred = [DigestAlgorithm.Sha256, DigestAlgorithm.Md5];

    public string Challenge(string realm, DigestAlgorithm algorithm, bool stale) =>
        $"Digest realm={DigestParameters.Quote(realm)}, nonce=\"{nonces.Issue(realm)}\", algorithm={DigestAlgorithms.NameOf(algorithm)}, qop=\"auth\"" +
        (stale ? ", stale=true" : "");

    /// <param name="credentials">The Authorization or Proxy-Authorization value.</param>
    /// <param name="method">The request method (A2 = method ":" digest-uri).</param>
    /// <param name="realm">Our realm; credentials for another realm are not ours.</param>
    /// <param name="ha1">Looks up H(username:realm:password) for the username and algorithm; null when unknown.</param>
    /// <param name="username">The username the credentials claim, for logging and lockout.</param>
    public DigestVerdict Verify(string credentials, string method, string realm, Func<string, DigestAlgorithm, string?> ha1, out string? username)
    {
        ArgumentNullException.ThrowIfNull(ha1);
        username = null;
        if (!DigestParameters.TryParse(credentials, out var p) || p["username"] is not { } user || p["nonce"] is not { } nonce
            || p["uri"] is not { } uri || p["response"] is not { } response || !DigestAlgorithms.TryParse(p["algorithm"], out var algorithm))
        {
            return DigestVerdict.Malformed;
        }
        username = user;
        if (!string.Equals(p["realm"], realm, StringComparison.Ordinal))
        {
            return DigestVerdict.Rejected;
        }
        // We always offer qop=auth; RFC 2069 responses without it could be replayed within the nonce lifetime.
        if (!string.Equals(p["qop"], "auth", StringComparison.OrdinalIgnoreCase) || p["cnonce"] is not { } cnonce
            || p["nc"] is not { Length: 8 } ncText || !uint.TryParse(ncText, System.Globalization.NumberStyles.HexNumber, null, out var nc))
        {
            return DigestVerdict.Malformed;
        }
        var state = nonces.Check(nonce, realm);
        var secret = ha1(user, algorithm);
        // An unknown user costs the same work as a wrong password: no user enumeration by timing.
        var a2 = DigestAlgorithms.Hash(algorithm, $"{method}:{uri}");
        var expected = DigestAlgorithms.Hash(algorithm, $"{secret ?? s_dummyHa1}:{nonce}:{ncText}:{cnonce}:auth:{a2}");
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(response.ToLowerInvariant()));
        if (state == NonceState.Forged || secret is null || !matches)
        {
            return DigestVerdict.Rejected;
        }
        if (state == NonceState.Stale)
        {
            return DigestVerdict.Stale;
        }
        return AdvanceCount(nonce, nc) ? DigestVerdict.Accepted : DigestVerdict.Rejected;
    }

    /// <summary>RFC 7616 §3.4: the nonce-count must increase for each request with the same nonce.</summary>
    private bool AdvanceCount(string nonce, uint nc)
    {
        if (_lastCount.Count > maxTrackedNonces)
        {
            // Bounded memory under a flood: forgetting counts only allows a replay until the nonce goes stale.
            _lastCount.Clear();
        }
        while (true)
        {
            if (_lastCount.TryGetValue(nonce, out var last))
            {
                if (nc <= last)
                {
                    return false;
                }
                if (_lastCount.TryUpdate(nonce, nc, last))
                {
                    return true;
                }
            }
            else if (_lastCount.TryAdd(nonce, nc))
            {
                return true;
            }
        }
    }
}
