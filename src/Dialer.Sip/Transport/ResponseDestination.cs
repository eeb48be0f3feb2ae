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
    /// <param name="request">The request answered.</param>
    /// <param name="source">Where it came from.</param>
    /// <param name="forceRport">Always the source port, as if the request had asked with rport (phones behind NAT).</param>
    public static SipEndpoint For(SipMessage request, SipEndpoint source, bool forceRport = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (source.IsReliable || forceRport || !request.TryGetTopVia(out var via) || via.HasRport)
        {
            return source;
        }
        return source with { Address = new IPEndPoint(source.Address.Address, via.Port == 0 ? 5060 : via.Port) };
    }
}
