using System.Buffers;
using System.Net;
using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Writing;

namespace Dialer.Sip.Proxy;

/// <summary>
/// Writes requests and responses as a proxy forwards them (RFC 3261 §16.6, §16.7): header order is kept, Max-Forwards
/// decremented (or 70 added), our Via pushed on top, Record-Route added, the top Via popped from responses.
/// </summary>
public static class ProxyWriter
{
    public static void Request(SipMessage request, ForwardOptions options, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var writer = new SipWriter(output);
        var span = request.Span;
        writer.RequestLine(request.MethodName.Of(span),
            options.RequestUri is null ? request.RequestUri.Of(span) : Encoding.UTF8.GetBytes(options.RequestUri));
        writer.Header("Via"u8, Encoding.UTF8.GetBytes(options.Via));
        if (options.RecordRoute is not null)
        {
            writer.Header("Record-Route"u8, Encoding.UTF8.GetBytes($"<{options.RecordRoute}>"));
        }
        var firstVia = true;
        var firstRoute = true;
        var sawMaxForwards = false;
        for (var i = 0; i < request.HeaderCount; i++)
        {
            var field = request.HeaderAt(i);
            var name = field.Name.Of(span);
            switch (field.Kind)
            {
                case HeaderKind.ContentLength:
                    continue;
                case HeaderKind.Via when firstVia:
                    firstVia = false;
                    ReceivedVia.Write(request, field, options.Source, options.ForceRport, writer);
                    continue;
                case HeaderKind.Route when firstRoute && options.RemoveTopRoute:
                    firstRoute = false;
                    WriteRestOfRoute(request, field, writer);
                    continue;
                case HeaderKind.MaxForwards:
                    sawMaxForwards = true;
                    writer.Raw("Max-Forwards: "u8);
                    writer.Number(Math.Max(0, request.MaxForwards - 1));
                    writer.Raw("\r\n"u8);
                    continue;
            }
            if (field.Kind == HeaderKind.Route)
            {
                firstRoute = false;
            }
            if (IsRemoved(name, field.Kind, options.RemoveHeaders))
            {
                continue;
            }
            writer.Header(name, field.Value.Of(span));
        }
        if (!sawMaxForwards)
        {
            writer.Header("Max-Forwards"u8, "70"u8);
        }
        foreach (var header in options.AddHeaders)
        {
            writer.Raw(Encoding.UTF8.GetBytes(header));
            writer.Raw("\r\n"u8);
        }
        writer.Body(options.Body is { } body ? body.Span : request.Body.Of(span));
    }

    /// <summary>
    /// RFC 3261 §16.7 step 3: the response goes on without the top Via (ours). A downstream element that answered with
    /// our Via alone (some carriers do, e.g. on the 487 after a CANCEL) would leave the response nowhere to go; given the
    /// <paramref name="request"/> as this proxy received it from <paramref name="source"/>, its Vias are put back
    /// (as they went out in the forwarded request), so the previous hop still gets its answer.
    /// </summary>
    public static void Response(SipMessage response, IBufferWriter<byte> output, SipMessage? request = null, IPEndPoint? source = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var writer = new SipWriter(output);
        var span = response.Span;
        writer.StatusLine(response.StatusCode, response.Reason.Of(span));
        var repair = request is not null && !HasViaBelowTop(response);
        var firstVia = true;
        for (var i = 0; i < response.HeaderCount; i++)
        {
            var field = response.HeaderAt(i);
            if (field.Kind == HeaderKind.ContentLength)
            {
                continue;
            }
            if (field.Kind == HeaderKind.Via && firstVia)
            {
                firstVia = false;
                if (repair)
                {
                    WriteRequestVias(request!, source, writer);
                    continue;
                }
                var value = field.Value.Of(span);
                var end = HeaderText.ElementEnd(value, 0);
                if (end < value.Length)
                {
                    // "Via: ours, theirs" on one line: keep the rest of the line.
                    writer.Header("Via"u8, Parsing.SipSyntax.TrimLws(value[(end + 1)..]));
                }
                continue;
            }
            writer.Header(field.Name.Of(span), field.Value.Of(span));
        }
        writer.Body(response.Body.Of(span));
    }

    /// <summary>Whether the response carries a Via besides the top one (ours), on another line or after a comma.</summary>
    private static bool HasViaBelowTop(SipMessage response)
    {
        var first = response.IndexOf(HeaderKind.Via);
        if (first < 0)
        {
            return false;
        }
        if (response.NextIndexOf(HeaderKind.Via, first) >= 0)
        {
            return true;
        }
        var value = response.HeaderAt(first).Value.Of(response.Span);
        return HeaderText.ElementEnd(value, 0) < value.Length;
    }

    /// <summary>The request's Vias as the forwarded request carried them below ours: the top one with received/rport.</summary>
    private static void WriteRequestVias(SipMessage request, IPEndPoint? source, SipWriter writer)
    {
        var first = true;
        for (var i = 0; i < request.HeaderCount; i++)
        {
            var field = request.HeaderAt(i);
            if (field.Kind != HeaderKind.Via)
            {
                continue;
            }
            if (first)
            {
                first = false;
                ReceivedVia.Write(request, field, source, false, writer);
                continue;
            }
            writer.Header(field.Name.Of(request.Span), field.Value.Of(request.Span));
        }
    }

    private static void WriteRestOfRoute(SipMessage request, HeaderField field, SipWriter writer)
    {
        var value = field.Value.Of(request.Span);
        var end = HeaderText.ElementEnd(value, 0);
        if (end < value.Length)
        {
            writer.Header("Route"u8, Parsing.SipSyntax.TrimLws(value[(end + 1)..]));
        }
    }

    private static bool IsRemoved(ReadOnlySpan<byte> name, HeaderKind kind, IReadOnlyCollection<string> removed)
    {
        foreach (var header in removed)
        {
            if (Ascii.EqualsIgnoreCase(name, header) || (kind != HeaderKind.Other && HeaderNames.Of(kind).Equals(header, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }
}
