using Dialer.Peers.Model;

namespace Dialer.Edge.Calls;

/// <summary>How a trunk server's Request-URIs name it: sips: for scheme sips (RFC 3261 §19.1: TLS on every hop),
/// else sip: with the transport parameter for tcp and tls (RFC 3261 §19.1.1, as Kamailio's dispatcher writes it).</summary>
public static class TrunkUris
{
    public static (string Scheme, string TransportParameter) SchemeAndTransport(TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.Scheme == SipScheme.Sips)
        {
            return ("sips", "");
        }
        return ("sip", server.Transport switch
        {
            SipTransport.Tcp => ";transport=tcp",
            SipTransport.Tls => ";transport=tls",
            _ => "",
        });
    }
}
