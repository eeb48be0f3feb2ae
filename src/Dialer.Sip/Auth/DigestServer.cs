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
    private readonly Lock _room = new();
    // Nonces expiring at or before this (UTC ticks) had their counts forgotten to make room: one coming back is stale.
    private long _forgottenUpTo = long.MinValue;

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
        return AdvanceCount(nonce, nc, expiresAt);
    }

    /// <summary>
    /// RFC 7616 §3.4: the nonce-count must increase for each request with the same nonce. The counts are bounded: when
    /// the table is full, the older half by issue time is forgotten and the cutoff remembered, so a forgotten nonce is
    /// stale from then on (its phone answers a fresh challenge, one round trip; a replay is never accepted). This is
    /// Kamailio's nc_array wrapping round. Refusing every new nonce instead, as this did, locked all phones out once
    /// 200,000 nonces were used within a nonce lifetime (about 700 registrations a second for five minutes).
    /// </summary>
    private DigestVerdict AdvanceCount(string nonce, uint nc, DateTimeOffset expiresAt)
    {
        while (true)
        {
            if (_lastCount.TryGetValue(nonce, out var last))
            {
                if (nc <= last.Count)
                {
                    return DigestVerdict.BadNonce;
                }
                if (_lastCount.TryUpdate(nonce, (nc, expiresAt), last))
                {
                    return DigestVerdict.Accepted;
                }
                continue;
            }
            if (Forgotten(expiresAt))
            {
                return DigestVerdict.Stale;
            }
            if (Volatile.Read(ref _tracked) >= maxTrackedNonces)
            {
                MakeRoom();
            }
            if (_lastCount.TryAdd(nonce, (nc, expiresAt)))
            {
                Interlocked.Increment(ref _tracked);
                // Room was made meanwhile past this nonce: it may be one counted before and just forgotten.
                if (Forgotten(expiresAt))
                {
                    if (_lastCount.TryRemove(new KeyValuePair<string, (uint, DateTimeOffset)>(nonce, (nc, expiresAt))))
                    {
                        Interlocked.Decrement(ref _tracked);
                    }
                    return DigestVerdict.Stale;
                }
                return DigestVerdict.Accepted;
            }
        }
    }

    private bool Forgotten(DateTimeOffset expiresAt) => expiresAt.UtcTicks <= Interlocked.Read(ref _forgottenUpTo);

    /// <summary>
    /// Forgets the counts of stale nonces and of the older half of the live ones. The cutoff is raised before anything is
    /// removed, so a nonce is never both forgotten and taken as new. One thread at a time; the others go on meanwhile.
    /// </summary>
    private void MakeRoom()
    {
        if (!_room.TryEnter())
        {
            return;
        }
        try
        {
            if (Volatile.Read(ref _tracked) < maxTrackedNonces)
            {
                return;
            }
            var expiries = _lastCount.Select(entry => entry.Value.ExpiresAt.UtcTicks).ToArray();
            if (expiries.Length == 0)
            {
                return;
            }
            Array.Sort(expiries);
            var newest = expiries[^1];
            // The older half, but never the newest millisecond's nonces, which a cutoff cannot tell from ones to come.
            var cutoff = expiries[(expiries.Length - 1) / 2];
            if (cutoff >= newest)
            {
                cutoff = Array.FindLast(expiries, e => e < newest);
            }
            cutoff = Math.Max(cutoff, _time.GetUtcNow().UtcTicks);
            if (cutoff > Interlocked.Read(ref _forgottenUpTo))
            {
                Interlocked.Exchange(ref _forgottenUpTo, cutoff);
            }
            foreach (var entry in _lastCount)
            {
                if (entry.Value.ExpiresAt.UtcTicks <= cutoff && _lastCount.TryRemove(entry))
                {
                    Interlocked.Decrement(ref _tracked);
                }
            }
        }
        finally
        {
            _room.Exit();
        }
    }
}
