using System.Buffers;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;

namespace Dialer.Sip.Writing;

/// <summary>Requests a transaction or UAC derives from another: ACK for a non-2xx final response, and CANCEL.</summary>
public static class RequestBuilder
{
    /// <summary>
    /// RFC 3261 §17.1.1.3: the ACK for a non-2xx final response has the INVITE's Request-URI, top Via, From,
    /// Call-ID, CSeq number and Route headers, and the response's To (with its tag).
    /// </summary>
    public static void AckForFailure(SipMessage invite, SipMessage response, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(response);
        var writer = new SipWriter(output);
        var span = invite.Span;
        writer.RequestLine("ACK"u8, invite.RequestUri.Of(span));
        WriteTopVia(invite, writer);
        CopyAll(invite, HeaderKind.Route, "Route"u8, writer);
        writer.Header("Max-Forwards"u8, "70"u8);
        Copy(invite, HeaderKind.From, "From"u8, writer);
        writer.Header("To"u8, response.RawValue(HeaderKind.To));
        Copy(invite, HeaderKind.CallId, "Call-ID"u8, writer);
        WriteCSeq(invite, "ACK"u8, writer);
        writer.Body(default);
    }

    /// <summary>RFC 3261 §9.1: CANCEL copies Request-URI, top Via (same branch), From, To, Call-ID, Route; CSeq number with CANCEL.</summary>
    public static void Cancel(SipMessage invite, IBufferWriter<byte> output, ReadOnlySpan<byte> reason = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        var writer = new SipWriter(output);
        writer.RequestLine("CANCEL"u8, invite.RequestUri.Of(invite.Span));
        WriteTopVia(invite, writer);
        CopyAll(invite, HeaderKind.Route, "Route"u8, writer);
        writer.Header("Max-Forwards"u8, "70"u8);
        Copy(invite, HeaderKind.From, "From"u8, writer);
        Copy(invite, HeaderKind.To, "To"u8, writer);
        Copy(invite, HeaderKind.CallId, "Call-ID"u8, writer);
        WriteCSeq(invite, "CANCEL"u8, writer);
        if (!reason.IsEmpty)
        {
            // RFC 3326: why the call was cancelled, e.g. SIP;cause=200;text="Call completed elsewhere".
            writer.Header("Reason"u8, reason);
        }
        writer.Body(default);
    }

    private static void WriteTopVia(SipMessage request, SipWriter writer)
    {
        if (request.TryGetTopVia(out ViaHeader via))
        {
            writer.Header("Via"u8, via.Element.Of(request.Span));
        }
    }

    private static void WriteCSeq(SipMessage request, ReadOnlySpan<byte> method, SipWriter writer)
    {
        request.TryGetCSeq(out var cseq);
        writer.Raw("CSeq: "u8);
        writer.Number(cseq.Number);
        writer.Raw(" "u8);
        writer.Raw(method);
        writer.Raw("\r\n"u8);
    }

    private static void Copy(SipMessage request, HeaderKind kind, ReadOnlySpan<byte> name, SipWriter writer)
    {
        var index = request.IndexOf(kind);
        if (index >= 0)
        {
            writer.Header(name, request.HeaderAt(index).Value.Of(request.Span));
        }
    }

    private static void CopyAll(SipMessage request, HeaderKind kind, ReadOnlySpan<byte> name, SipWriter writer)
    {
        for (var i = request.IndexOf(kind); i >= 0; i = request.NextIndexOf(kind, i))
        {
            writer.Header(name, request.HeaderAt(i).Value.Of(request.Span));
        }
    }
}
