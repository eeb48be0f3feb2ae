namespace Dialer.Sip.Hep;

/// <summary>
/// HEPv3 generic chunk types (vendor 0), as sipcapture's HEP specification numbers them and Kamailio's siptrace,
/// Asterisk's res_hep and FreeSWITCH send them. Every chunk is vendor (u16), type (u16), length (u16, the 6 header
/// bytes included) and a value, all in network byte order.
/// </summary>
public enum HepChunk : ushort
{
    /// <summary>u8: 2 = IPv4, 10 = IPv6.</summary>
    IpFamily = 0x0001,
    /// <summary>u8: the IP protocol number, 17 UDP, 6 TCP.</summary>
    IpProtocol = 0x0002,
    SourceIPv4 = 0x0003,
    DestinationIPv4 = 0x0004,
    SourceIPv6 = 0x0005,
    DestinationIPv6 = 0x0006,
    /// <summary>u16.</summary>
    SourcePort = 0x0007,
    /// <summary>u16.</summary>
    DestinationPort = 0x0008,
    /// <summary>u32: seconds since the Unix epoch.</summary>
    TimestampSeconds = 0x0009,
    /// <summary>u32: the microseconds within that second.</summary>
    TimestampMicroseconds = 0x000a,
    /// <summary>u8: 1 = SIP.</summary>
    ProtocolType = 0x000b,
    /// <summary>u32: the capture agent (node) id the collector files the packet under.</summary>
    CaptureAgentId = 0x000c,
    /// <summary>Bytes: the collector's password (Homer's "auth key").</summary>
    AuthKey = 0x000e,
    /// <summary>Bytes: the captured message.</summary>
    Payload = 0x000f,
    /// <summary>Bytes: what correlates packets of one call; for SIP its Call-ID.</summary>
    CorrelationId = 0x0011,
}
