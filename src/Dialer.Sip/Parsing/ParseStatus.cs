namespace Dialer.Sip.Parsing;

public enum ParseStatus : byte
{
    /// <summary>A whole message was parsed; see the message's fault for semantic problems found on the way.</summary>
    Complete,
    /// <summary>Stream framing only: more bytes are needed; nothing was consumed.</summary>
    Incomplete,
    /// <summary>The bytes are not a SIP message that can be answered or relayed; see the message's fault.</summary>
    Invalid,
    /// <summary>Only CRLF keep-alives (RFC 5626 §3.5.1); they were consumed.</summary>
    KeepAlive,
}

/// <summary>How message boundaries are found (RFC 3261 §18.3).</summary>
public enum SipFraming : byte
{
    /// <summary>One datagram, one message: octets past Content-Length are ignored; no Content-Length means the rest.</summary>
    Datagram,
    /// <summary>A byte stream: Content-Length is required and a partial message consumes nothing.</summary>
    Stream,
}
