using System.Net;

namespace Dialer.Sip.Transport;

public enum SipProtocol : byte { Udp, Tcp, Tls }

/// <summary>Where a message came from or goes to: protocol and socket address.</summary>
public readonly record struct SipEndpoint(SipProtocol Protocol, IPEndPoint Address)
{
    /// <summary>TCP and TLS deliver reliably: no retransmission timers (RFC 3261 §17.1.1.2).</summary>
    public bool IsReliable => Protocol != SipProtocol.Udp;

    public string ProtocolName => Protocol switch
    {
        SipProtocol.Tcp => "TCP",
        SipProtocol.Tls => "TLS",
        _ => "UDP",
    };

    public override string ToString() => $"{ProtocolName.ToLowerInvariant()}:{Address}";
}
