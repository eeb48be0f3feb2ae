namespace Dialer.Sip.Parsing;

/// <summary>Why a message was refused; <see cref="ParseFaults"/> maps each to the RFC's answer.</summary>
public enum ParseFault : byte
{
    None = 0,
    BadStartLine,
    BadMethod,
    BadRequestUri,
    UnsupportedUriScheme,
    BadVersion,
    BadStatusLine,
    BadHeaderLine,
    BadHeaderName,
    ControlCharacter,
    TooManyHeaders,
    MessageTooLarge,
    BadContentLength,
    MissingContentLength,
    TruncatedBody,
    MissingHeader,
    DuplicateHeader,
    BadHeaderValue,
    CSeqMethodMismatch,
}

/// <summary>A fault and, where it concerns one header, which.</summary>
public readonly record struct SipFault(ParseFault Fault, Message.HeaderKind Header = Message.HeaderKind.Other)
{
    public static readonly SipFault None = new(ParseFault.None);

    public bool IsFault => Fault != ParseFault.None;

    /// <summary>The status to answer a faulty request with (RFC 3261 §8.2, §16.3, §21).</summary>
    public int StatusCode => ParseFaults.StatusCode(Fault);

    /// <summary>A reason phrase that names the fault, e.g. "Bad Request: Missing Call-ID".</summary>
    public string ReasonPhrase => ParseFaults.ReasonPhrase(this);

    public override string ToString() => ReasonPhrase;
}

public static class ParseFaults
{
    public static int StatusCode(ParseFault fault) => fault switch
    {
        ParseFault.None => 200,
        ParseFault.UnsupportedUriScheme => 416,
        ParseFault.BadVersion => 505,
        ParseFault.MessageTooLarge => 513,
        _ => 400,
    };

    public static string ReasonPhrase(SipFault fault)
    {
        var header = Message.HeaderNames.Of(fault.Header);
        return fault.Fault switch
        {
            ParseFault.None => "OK",
            ParseFault.BadStartLine => "Bad Request: Malformed Request-Line",
            ParseFault.BadMethod => "Bad Request: Malformed Method",
            ParseFault.BadRequestUri => "Bad Request: Malformed Request-URI",
            ParseFault.UnsupportedUriScheme => "Unsupported URI Scheme",
            ParseFault.BadVersion => "Version Not Supported",
            ParseFault.BadStatusLine => "Malformed Status-Line",
            ParseFault.BadHeaderLine => "Bad Request: Malformed Header Line",
            ParseFault.BadHeaderName => "Bad Request: Malformed Header Name",
            ParseFault.ControlCharacter => "Bad Request: Control Character in Header",
            ParseFault.TooManyHeaders => "Bad Request: Too Many Headers",
            ParseFault.MessageTooLarge => "Message Too Large",
            ParseFault.BadContentLength => "Bad Request: Malformed Content-Length",
            ParseFault.MissingContentLength => "Bad Request: Content-Length Required on Stream Transports",
            ParseFault.TruncatedBody => "Bad Request: Body Shorter Than Content-Length",
            ParseFault.MissingHeader => $"Bad Request: Missing {header}",
            ParseFault.DuplicateHeader => $"Bad Request: Multiple {header}",
            ParseFault.BadHeaderValue => $"Bad Request: Malformed {header}",
            ParseFault.CSeqMethodMismatch => "Bad Request: CSeq Method Does Not Match",
            _ => "Bad Request",
        };
    }
}
