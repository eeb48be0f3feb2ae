using System.Net;
using Dialer.Sip.Message;

namespace Dialer.Sip.Transport;

/// <summary>
/// Where a response to a request goes (RFC 3261 §18.2.2 with RFC 3581): over a reliable transport, back on the
/// connection it came from; over UDP, to the source address, at the source port when the Via asked for rport,
/// else at the Via's sent-by port (5060 by default).
/// </summary>
public static class ResponseDestination
{
    public static SipEndpoint For(SipMessage request, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (source.IsReliable || !request.TryGetTopVia(out var via) || via.HasRport)
        {
            return source;
        }
        return source with { Address = new IPEndPoint(source.Address.Address, via.Port == 0 ? 5060 : via.Port) };
    }
}
