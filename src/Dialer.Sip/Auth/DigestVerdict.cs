namespace Dialer.Sip.Auth;

public enum DigestVerdict
{
    /// <summary>The response is right and the nonce fresh and not replayed.</summary>
    Accepted,
    /// <summary>Right password, old nonce: challenge again with stale=true (RFC 7616 §3.3), do not count a failure.</summary>
    Stale,
    /// <summary>Wrong password, unknown user, forged nonce or replayed nc: a failed attempt.</summary>
    Rejected,
    /// <summary>The credentials are not well formed (missing parameters, other scheme, unknown algorithm): 400.</summary>
    Malformed,
}
