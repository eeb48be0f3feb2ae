using System.Net;

namespace Dialer.Sip.Transport;

/// <summary>
/// Sees a copy of every SIP message the transports receive and send, whatever the transport (UDP, TCP, TLS): the
/// hook of capture mirrors such as HEP (docs/operations.md, "Capturing SIP (HEP)"). It is called on receive loops and
/// senders, so an implementation copies what it needs and returns at once; it never blocks and never throws.
/// </summary>
public interface ISipTap
{
    /// <param name="protocol">The transport the message travelled on.</param>
    /// <param name="source">Where the message came from (the peer when received, our socket when sent).</param>
    /// <param name="destination">Where it went (our socket when received, the peer when sent).</param>
    /// <param name="message">The message's bytes; only valid during the call.</param>
    void Capture(SipProtocol protocol, IPEndPoint source, IPEndPoint destination, ReadOnlySpan<byte> message);
}
