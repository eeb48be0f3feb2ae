using Dialer.Sip.Message;

namespace Dialer.Sip.Parsing;

/// <summary>
/// Frames and indexes one SIP message (RFC 3261 §7, §18.3): start line, header lines as (kind, name, value)
/// ranges, Content-Length body. Typed header values are parsed later, on demand. Never throws on input.
/// </summary>
public static partial class SipParser
{
    /// <summary>Start line plus headers; RFC 3261 leaves it open, Kamailio's default buffer is 4 KiB per datagram.</summary>
    public const int MaxHeaderBytes = 16 * 1024;
    public const int MaxBodyBytes = 64 * 1024;

    /// <param name="buffer">Received bytes; the message keeps a reference to them, so keep them alive.</param>
    /// <param name="framing">Datagram (UDP) or stream (TCP) rules.</param>
    /// <param name="message">Filled in; reused from call to call.</param>
    /// <param name="consumed">Bytes to drop from the front of the buffer (0 when incomplete).</param>
    public static ParseStatus Parse(ReadOnlyMemory<byte> buffer, SipFraming framing, SipMessage message, out int consumed)
    {
        ArgumentNullException.ThrowIfNull(message);
        var span = buffer.Span;
        var start = 0;
        // RFC 3261 §7.5: ignore CRLFs before the start line; RFC 5626 §3.5.1 uses them as keep-alives.
        while (start < span.Length && span[start] is (byte)'\r' or (byte)'\n')
        {
            start++;
        }
        message.Reset(buffer, start);
        if (start == span.Length || (start > 0 && framing == SipFraming.Stream))
        {
            consumed = start;
            return start > 0 ? ParseStatus.KeepAlive : framing == SipFraming.Stream ? ParseStatus.Incomplete : ParseStatus.Invalid;
        }
        return ParseMessage(buffer, framing, message, out consumed);
    }

    private static ParseStatus ParseMessage(ReadOnlyMemory<byte> buffer, SipFraming framing, SipMessage message, out int consumed)
    {
        var span = buffer.Span;
        var start = message.Start;
        consumed = 0;
        if (start >= span.Length)
        {
            return framing == SipFraming.Stream ? ParseStatus.Incomplete : ParseStatus.Invalid;
        }
        if (framing == SipFraming.Stream && !HasHeaderEnd(span[start..]))
        {
            if (span.Length - start > MaxHeaderBytes)
            {
                message.Flag(ParseFault.MessageTooLarge);
                consumed = span.Length;
                return ParseStatus.Invalid;
            }
            return ParseStatus.Incomplete;
        }
        var lineEnd = span[start..].IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            message.Flag(ParseFault.BadStartLine);
            consumed = span.Length;
            return ParseStatus.Invalid;
        }
        if (!ParseStartLine(span, start, start + ContentEnd(span.Slice(start, lineEnd)), message))
        {
            consumed = span.Length;
            return ParseStatus.Invalid;
        }
        var bodyStart = ParseHeaders(span, start + lineEnd + 1, message);
        if (bodyStart < 0)
        {
            // No blank line: a datagram cut short, or a header section past the limit.
            message.Flag(bodyStart == -2 ? ParseFault.MessageTooLarge : ParseFault.BadHeaderLine);
            consumed = span.Length;
            return message.IsRequest && framing == SipFraming.Datagram && message.IndexOf(HeaderKind.Via) >= 0
                ? ParseStatus.Complete
                : ParseStatus.Invalid;
        }
        return Frame(span, framing, message, bodyStart, out consumed);
    }

    /// <summary>Sets the body from Content-Length and decides what the buffer's next message is.</summary>
    private static ParseStatus Frame(ReadOnlySpan<byte> span, SipFraming framing, SipMessage message, int bodyStart, out int consumed)
    {
        var length = message.ContentLength;
        if (length > MaxBodyBytes)
        {
            message.Flag(ParseFault.MessageTooLarge);
            consumed = span.Length;
            message.Length = span.Length - message.Start;
            return ParseStatus.Invalid;
        }
        if (framing == SipFraming.Stream)
        {
            if (length < 0)
            {
                // RFC 3261 §18.3: on a stream the message length is unknown without Content-Length.
                message.Flag(ParseFault.MissingContentLength, HeaderKind.ContentLength);
                consumed = span.Length;
                return ParseStatus.Invalid;
            }
            if (span.Length - bodyStart < length)
            {
                consumed = 0;
                return ParseStatus.Incomplete;
            }
            message.Body = new TextRange(bodyStart, length);
            consumed = bodyStart + length;
        }
        else
        {
            var available = span.Length - bodyStart;
            if (length > available)
            {
                // RFC 3261 §18.3: a request whose body is short of Content-Length gets 400; a response is dropped.
                message.Flag(ParseFault.TruncatedBody, HeaderKind.ContentLength);
                length = available;
            }
            message.Body = new TextRange(bodyStart, length < 0 ? available : length);
            consumed = span.Length;
        }
        message.Length = message.Body.End - message.Start;
        return message.IsRequest || !message.Fault.IsFault ? ParseStatus.Complete : ParseStatus.Invalid;
    }

    /// <summary>True when the bytes hold the blank line that ends the header section.</summary>
    private static bool HasHeaderEnd(ReadOnlySpan<byte> span) =>
        span.IndexOf("\n\r\n"u8) >= 0 || span.IndexOf("\n\n"u8) >= 0;

    /// <summary>Length of a line without its trailing CR (the LF is already excluded).</summary>
    private static int ContentEnd(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line.Length - 1 : line.Length;

}
