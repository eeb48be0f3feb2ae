using System.Net;
using Dialer.Peers.Model;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;
using Dialer.Sip.Uris;

namespace Dialer.Edge.Core;

/// <summary>Where a request or response goes next, as socket addresses.</summary>
public static class Destinations
{
    /// <summary>
    /// A phone's binding: over TCP or TLS its connection (RFC 5626 §5.3: requests to the phone reuse the flow it
    /// registered over; a phone behind NAT or TLS has no reachable listener); over UDP the contact as written when it is the address the
    /// REGISTER came from, else the observed source (the phone is behind NAT, RFC 3581).
    /// </summary>
    public static SipEndpoint ForBinding(Binding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (binding.Protocol is "tcp" or "tls")
        {
            return new SipEndpoint(binding.Protocol == "tls" ? SipProtocol.Tls : SipProtocol.Tcp, binding.Source);
        }
        if (SipUri.TryParse(binding.Contact, out var contact) && IPAddress.TryParse(contact.HostWithoutBrackets, out var ip)
            && ip.Equals(binding.Source.Address))
        {
            return new SipEndpoint(SipProtocol.Udp, new IPEndPoint(ip, contact.Port ?? 5060));
        }
        return new SipEndpoint(SipProtocol.Udp, binding.Source);
    }

    /// <summary>
    /// Where in-dialog requests to the sender of <paramref name="message"/> go: its Contact when that names an IP
    /// address (RFC 3261 §12.1 remote target), else <paramref name="fallback"/> (the address it was reached at).
    /// </summary>
    public static SipEndpoint ForContact(SipMessage message, SipEndpoint fallback)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var element in message.Elements(HeaderKind.Contact))
        {
            if (NameAddress.TryParse(message.Span, element, out var contact) && SipUri.TryParse(contact.Uri.Of(message.Span), out var uri)
                && ForUri(uri) is { } endpoint)
            {
                // Over a connection, keep using it: the peer's listening port is not what it connected from.
                return fallback.IsReliable && endpoint.Address.Address.Equals(fallback.Address.Address) ? fallback : endpoint;
            }
            break;
        }
        return fallback;
    }

    /// <summary>
    /// Where requests to a caller go: a phone's observed source (it may be behind NAT, RFC 3581), anyone else's Contact
    /// when it names the address it sent from, else that source.
    /// </summary>
    public static SipEndpoint ForCaller(SipMessage invite, SipEndpoint source, bool isPhone)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (isPhone || source.IsReliable)
        {
            return source;
        }
        var contact = ForContact(invite, source);
        return contact.Address.Address.Equals(source.Address.Address) ? contact : source;
    }

    /// <summary>
    /// Where a request came from before its last hop: its second Via, at the received address and rport the last hop
    /// wrote there (RFC 3261 §18.2.1, RFC 3581), else its sent-by; null without one.
    /// </summary>
    public static SipEndpoint? BeforeLastHop(SipMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var span = request.Span;
        var index = 0;
        foreach (var element in request.Elements(HeaderKind.Via))
        {
            if (index++ == 0)
            {
                continue;
            }
            if (!ViaHeader.TryParse(span, element, out var via))
            {
                return null;
            }
            var host = via.Received.Of(span).IsEmpty ? via.HostText(span) : via.ReceivedText(span);
            if (!IPAddress.TryParse(host, out var ip))
            {
                return null;
            }
            var transport = via.Transport.Of(span);
            var protocol = System.Text.Ascii.EqualsIgnoreCase(transport, "TLS"u8) ? SipProtocol.Tls
                : System.Text.Ascii.EqualsIgnoreCase(transport, "TCP"u8) ? SipProtocol.Tcp : SipProtocol.Udp;
            var port = via.Rport > 0 ? via.Rport : via.Port > 0 ? via.Port : 5060;
            return new SipEndpoint(protocol, new IPEndPoint(ip, port));
        }
        return null;
    }

    /// <summary>A URI with an IP host: its address, port and transport parameter (no DNS); null for names.</summary>
    public static SipEndpoint? ForUri(SipUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IPAddress.TryParse(uri.HostWithoutBrackets, out var ip))
        {
            return null;
        }
        var transport = uri.Parameter("transport");
        // sips: means TLS (RFC 3261 §19.1.2); transport=tls is its older spelling.
        var protocol = uri.IsSecure || string.Equals(transport, "tls", StringComparison.OrdinalIgnoreCase) ? SipProtocol.Tls
            : string.Equals(transport, "tcp", StringComparison.OrdinalIgnoreCase) ? SipProtocol.Tcp : SipProtocol.Udp;
        return new SipEndpoint(protocol, new IPEndPoint(ip, uri.Port ?? (uri.IsSecure ? 5061 : 5060)));
    }

    /// <summary>
    /// RFC 3261 §18.2.2 for a response a proxy forwards: the Via now on top says where, received and rport
    /// overriding sent-by (RFC 3581 §4). Null when the Via is unusable.
    /// </summary>
    public static SipEndpoint? ForResponse(SipMessage response, int viaIndex)
    {
        ArgumentNullException.ThrowIfNull(response);
        var span = response.Span;
        var index = 0;
        foreach (var element in response.Elements(HeaderKind.Via))
        {
            if (index++ != viaIndex)
            {
                continue;
            }
            if (!ViaHeader.TryParse(span, element, out var via))
            {
                return null;
            }
            var host = via.Received.IsEmpty ? via.HostText(span) : via.ReceivedText(span);
            if (!IPAddress.TryParse(host, out var address))
            {
                return null;
            }
            var port = via.Rport > 0 ? via.Rport : via.Port == 0 ? 5060 : via.Port;
            var transport = System.Text.Encoding.ASCII.GetString(via.Transport.Of(span));
            var protocol = transport.Equals("TLS", StringComparison.OrdinalIgnoreCase) ? SipProtocol.Tls
                : transport.Equals("TCP", StringComparison.OrdinalIgnoreCase) ? SipProtocol.Tcp : SipProtocol.Udp;
            return new SipEndpoint(protocol, new IPEndPoint(address, port));
        }
        return null;
    }
}
