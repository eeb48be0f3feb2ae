using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Dialer.Sip.Auth;

/// <summary>
/// Server side of SIP digest (RFC 3261 §22, RFC 7616, RFC 8760): challenges with MD5 and SHA-256, qop=auth,
/// stateless nonces; checks responses in constant time and refuses a nonce-count that does not increase.
/// </summary>
public sealed class DigestServer(DigestNonces nonces, int maxTrackedNonces = 100_000, TimeProvider? clock = null)
{
    private static readonly string s_dummyHa1 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private readonly ConcurrentDictionary<string, (uint Count, DateTimeOffset ExpiresAt)> _lastCount = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = clock ?? TimeProvider.System;
    private long _lastSweep;

    /// <summary>Nonces whose counts are tracked now (bounded: each entry lives only as long as its nonce).</summary>
    public int TrackedNonces => Volatile.Read(ref _tracked);

    // Counted apart: ConcurrentDictionary.Count takes every bucket lock.
    private int _tracked;

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
            return DigestVerdict.BadNonce;
        }
        // We always offer qop=auth; RFC 2069 responses without it could be replayed within the nonce lifetime.
        if (!string.Equals(p["qop"], "auth", StringComparison.OrdinalIgnoreCase) || p["cnonce"] is not { } cnonce
            || p["nc"] is not { Length: 8 } ncText || !uint.TryParse(ncText, System.Globalization.NumberStyles.HexNumber, null, out var nc))
        {
            return DigestVerdict.Malformed;
        }
        var state = nonces.Check(nonce, realm, out var expiresAt);
        if (state == NonceState.Forged)
        {
            return DigestVerdict.BadNonce;
        }
        var secret = ha1(user, algorithm);
        // An unknown user costs the same work as a wrong password: no user enumeration by timing.
        var a2 = DigestAlgorithms.Hash(algorithm, $"{method}:{uri}");
        var expected = DigestAlgorithms.Hash(algorithm, $"{secret ?? s_dummyHa1}:{nonce}:{ncText}:{cnonce}:auth:{a2}");
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(response.ToLowerInvariant()));
        if (state == NonceState.Stale)
        {
            // RFC 7616 §3.3: stale=true only tells a client with the right password to retry; a wrong one gets a plain new challenge.
            return secret is not null && matches ? DigestVerdict.Stale : DigestVerdict.BadNonce;
        }
        if (secret is null || !matches)
        {
            return DigestVerdict.Rejected;
        }
        return AdvanceCount(nonce, nc, expiresAt) ? DigestVerdict.Accepted : DigestVerdict.BadNonce;
    }

    /// <summary>
    /// RFC 7616 §3.4: the nonce-count must increase for each request with the same nonce. Each count is kept until its
    /// nonce goes stale (a stale nonce is refused anyway), never wiped wholesale, so forgetting can never reopen a replay.
    /// When the table is full of live nonces, a new nonce is refused (a fresh challenge) rather than tracked loosely.
    /// </summary>
    private bool AdvanceCount(string nonce, uint nc, DateTimeOffset expiresAt)
    {
        if (Volatile.Read(ref _tracked) >= maxTrackedNonces && !_lastCount.ContainsKey(nonce))
        {
            Sweep();
            if (Volatile.Read(ref _tracked) >= maxTrackedNonces)
            {
                return false;
            }
        }
        while (true)
        {
            if (_lastCount.TryGetValue(nonce, out var last))
            {
                if (nc <= last.Count)
                {
                    return false;
                }
                if (_lastCount.TryUpdate(nonce, (nc, expiresAt), last))
                {
                    return true;
                }
            }
            else if (_lastCount.TryAdd(nonce, (nc, expiresAt)))
            {
                Interlocked.Increment(ref _tracked);
                return true;
            }
        }
    }

    /// <summary>Drops counts of nonces that have gone stale; at most once a second.</summary>
    private void Sweep()
    {
        var now = _time.GetUtcNow();
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last)
        {
            return;
        }
        foreach (var (key, entry) in _lastCount)
        {
            if (entry.ExpiresAt <= now && _lastCount.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _tracked);
            }
        }
    }
}
