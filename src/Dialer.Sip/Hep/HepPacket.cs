using System.Net;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Hep;

/// <summary>One captured SIP message as a HEPv3 packet describes it; the spans are only read while it is encoded.</summary>
public readonly ref struct HepPacket
{
    public SipProtocol Protocol { get; init; }
    public IPEndPoint Source { get; init; }
    public IPEndPoint Destination { get; init; }
    /// <summary>When the message was received or sent.</summary>
    public DateTimeOffset Timestamp { get; init; }
    public uint CaptureId { get; init; }
    /// <summary>The collector's password (chunk 0x000e); empty sends none.</summary>
    public ReadOnlySpan<byte> AuthKey { get; init; }
    /// <summary>The Call-ID (chunk 0x0011); empty sends none.</summary>
    public ReadOnlySpan<byte> CorrelationId { get; init; }
    public ReadOnlySpan<byte> Payload { get; init; }
}
