using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Edge.Core;

/// <summary>
/// One response and no state (RFC 3261 §16.11 stateless answers): for strangers and requests that name no dialog of
/// ours. Never a 100 Trying, never a retransmission, so a spoofed source gets at most one datagram back.
/// </summary>
public sealed class StatelessResponder(ISipSender sender, bool forceRport)
{
    public void Respond(SipMessage request, SipEndpoint source, int status, string reason, params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == SipMethod.Ack)
        {
            return;
        }
        using var buffer = new PooledBuffer(512);
        ResponseBuilder.Write(request, status, Encoding.UTF8.GetBytes(reason), "sl"u8, buffer, headers, default, source.Address, forceRport);
        _ = sender.SendAsync(ResponseDestination.For(request, source, forceRport), buffer.WrittenSpan.ToArray()).AsTask();
    }
}
