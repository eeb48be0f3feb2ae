using System.Net;
using System.Buffers;
using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;

namespace Dialer.Sip.Writing;

/// <summary>
/// RFC 3261 §18.2.1 and RFC 3581 §4 on the top Via of a request we received: received= when the source address differs
/// from sent-by (or rport is wanted), rport= filled with the source port when the client asked for it, or always when the
/// edge forces it (Kamailio's force_rport, Asterisk's force_rport=yes). A phone behind NAT learns its mapping from it.
/// </summary>
public static class ReceivedVia
{
    /// <summary>The top Via's Via with received= (source IP differs from sent-by) and rport=port filled in.</summary>
    public static void Write(SipMessage request, HeaderField field, IPEndPoint? source, bool forceRport, SipWriter writer)
    {
        ArgumentNullException.ThrowIfNull(request);
        var span = request.Span;
        var value = field.Value.Of(span);
        var end = HeaderText.ElementEnd(value, 0);
        if (source is null || !ViaHeader.TryParse(span, new TextRange(field.Value.Start, end), out var via))
        {
            writer.Header("Via"u8, value);
            return;
        }
        // Written as bytes straight from the received Via: no strings on the request path.
        using var buffer = new PooledBuffer(value.Length + 64);
        buffer.Write(span[via.Element.Start..via.Parameters.Start].TrimEnd(" \t"u8));
        var reader = new ParameterReader(via.Parameters.Of(span), via.Parameters.Start);
        var ip = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        Span<byte> address = stackalloc byte[64];
        ip.TryFormat(address, out var addressLength);
        address = address[..addressLength];
        var host = via.Host.Of(span);
        var needReceived = !(host.Length > 1 && host[0] == '[' ? host[1..^1] : host).SequenceEqual(address);
        while (reader.TryRead(out var parameter))
        {
            var key = parameter.Name.Of(span);
            if (Ascii.EqualsIgnoreCase(key, "received"u8) || (Ascii.EqualsIgnoreCase(key, "rport"u8)))
            {
                continue;
            }
            buffer.Write(";"u8);
            buffer.Write(span[parameter.Name.Start..(parameter.HasValue ? parameter.Value.End : parameter.Name.End)]);
        }
        var rport = via.HasRport || forceRport;
        if (needReceived || rport)
        {
            buffer.Write(";received="u8);
            buffer.Write(address);
        }
        if (rport)
        {
            Span<byte> port = stackalloc byte[8];
            source.Port.TryFormat(port, out var portLength, default, System.Globalization.CultureInfo.InvariantCulture);
            buffer.Write(";rport="u8);
            buffer.Write(port[..portLength]);
        }
        if (end < value.Length)
        {
            buffer.Write(","u8);
            buffer.Write(value[(end + 1)..]);
        }
        writer.Header("Via"u8, buffer.WrittenSpan);
    }
}
