namespace Dialer.Sip.Message;

/// <summary>
/// Headers the stack knows by name; compact forms (RFC 3261 §7.3.3) map to the same kind.
/// Anything else is <see cref="Other"/> and is kept, in order, by its name.
/// </summary>
public enum HeaderKind : byte
{
    Other = 0,
    Via,
    From,
    To,
    CallId,
    CSeq,
    MaxForwards,
    Contact,
    ContentLength,
    ContentType,
    Route,
    RecordRoute,
    Expires,
    MinExpires,
    Authorization,
    ProxyAuthorization,
    WwwAuthenticate,
    ProxyAuthenticate,
    RetryAfter,
    Reason,
    Allow,
    Supported,
    Require,
    ProxyRequire,
    Unsupported,
    Accept,
    UserAgent,
    Server,
    Subject,
    ContentEncoding,
    Event,
    PAssertedIdentity,
    RemotePartyId,
    Privacy,
    Timestamp,
    Date,
}

internal static class HeaderKinds
{
    /// <summary>One past the largest <see cref="HeaderKind"/> value.</summary>
    public const int Count = (int)HeaderKind.Date + 1;
}
