namespace Dialer.Sip.Auth;

public enum DigestVerdict
{
    /// <summary>The response is right and the nonce fresh and not replayed.</summary>
    Accepted,
    /// <summary>Right password, old nonce: challenge again with stale=true (RFC 7616 §3.3), do not count a failure.</summary>
    Stale,
    /// <summary>Wrong password or unknown user over a fresh nonce we issued: a failed attempt, counted towards lockout.</summary>
    Rejected,
    /// <summary>
    /// A nonce we did not issue (forged, another key, another realm), a stale nonce with a wrong response, or a replayed
    /// nonce-count: challenge again with a fresh nonce, and count nothing — it proves nothing about the password, and
    /// counting it would let anyone lock out anyone.
    /// </summary>
    BadNonce,
    /// <summary>The credentials are not well formed (missing parameters, other scheme, unknown algorithm): 400.</summary>
    Malformed,
}
