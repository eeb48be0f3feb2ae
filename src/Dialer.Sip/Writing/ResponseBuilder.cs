using System.Buffers;
using Dialer.Sip.Message;

namespace Dialer.Sip.Writing;

/// <summary>
/// Builds a response to a request as RFC 3261 §8.2.6.2 says: the Via headers in order, From, Call-ID and CSeq
/// copied, To copied with a tag added when it has none (not for 100 Trying), Timestamp copied on 100.
/// </summary>
public static class ResponseBuilder
{
    /// <param name="request">The request being answered (it may carry a parse fault).</param>
    /// <param name="status">The status code.</param>
    /// <param name="reason">The reason phrase.</param>
    /// <param name="toTag">The tag to add to To when it has none; empty for no tag.</param>
    /// <param name="output">Where the response is written.</param>
    /// <param name="extraHeaders">Headers to add before Content-Length, each "Name: value" without CRLF.</param>
    /// <param name="body">The body; Content-Length follows from it.</param>
    /// <param name="source">Where the request came from: the top Via gets received/rport (null writes the Vias as received).</param>
    /// <param name="forceRport">Fill rport= even when the request did not ask for it.</param>
    public static void Write(SipMessage request, int status, ReadOnlySpan<byte> reason, ReadOnlySpan<byte> toTag,
        IBufferWriter<byte> output, ReadOnlySpan<string> extraHeaders = default, ReadOnlySpan<byte> body = default, System.Net.IPEndPoint? source = null,
        bool forceRport = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new SipWriter(output);
        var span = request.Span;
        writer.StatusLine(status, reason);
        for (var i = request.IndexOf(HeaderKind.Via); i >= 0; i = request.NextIndexOf(HeaderKind.Via, i))
        {
            if (i == request.IndexOf(HeaderKind.Via) && source is not null)
            {
                // RFC 3261 §18.2.1, RFC 3581 §4: the top Via says where the request really came from.
                ReceivedVia.Write(request, request.HeaderAt(i), source, forceRport, writer);
                continue;
            }
            writer.Header("Via"u8, SipValue(request, i));
        }
        Copy(request, HeaderKind.From, "From"u8, writer);
        var to = request.IndexOf(HeaderKind.To);
        if (to >= 0)
        {
            writer.Raw("To: "u8);
            writer.Raw(SipValue(request, to));
            if (status > 100 && !toTag.IsEmpty && request.TryGetTo(out var address) && address.Tag(span).IsEmpty)
            {
                writer.Raw(";tag="u8);
                writer.Raw(toTag);
            }
            writer.Raw("\r\n"u8);
        }
        Copy(request, HeaderKind.CallId, "Call-ID"u8, writer);
        Copy(request, HeaderKind.CSeq, "CSeq"u8, writer);
        if (status == 100)
        {
            // RFC 3261 §8.2.6.1: a 100 copies the request's Timestamp.
            Copy(request, HeaderKind.Timestamp, "Timestamp"u8, writer);
        }
        foreach (var header in extraHeaders)
        {
            writer.Raw(System.Text.Encoding.UTF8.GetBytes(header));
            writer.Raw("\r\n"u8);
        }
        writer.Body(body);
    }

    private static void Copy(SipMessage request, HeaderKind kind, ReadOnlySpan<byte> name, SipWriter writer)
    {
        var index = request.IndexOf(kind);
        if (index >= 0)
        {
            writer.Header(name, SipValue(request, index));
        }
    }

    /// <summary>The raw value; a folded value is written as received, which is still valid SIP.</summary>
    private static ReadOnlySpan<byte> SipValue(SipMessage request, int index) => request.HeaderAt(index).Value.Of(request.Span);
}
