using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Hep;

/// <summary>
/// Writes HEPv3 packets: "HEP3", the total length (u16, network order, header included), then generic chunks in the
/// order Kamailio's siptrace sends them (family, protocol, addresses, ports, time, protocol type, capture id,
/// correlation id, auth key, payload). Nothing is allocated: the caller owns the destination.
/// </summary>
public static class HepEncoder
{
    /// <summary>The largest packet: its length field is 16 bits.</summary>
    public const int MaxPacket = ushort.MaxValue;

    private const int Header = 6;
    private const int ChunkHeader = 6;
    private const byte FamilyIPv4 = 2;
    private const byte FamilyIPv6 = 10;
    private const byte ProtocolSip = 1;

    /// <returns>The packet's size in bytes (it may exceed <see cref="MaxPacket"/>, which <see cref="Write"/> refuses).</returns>
    public static int Measure(in HepPacket packet)
    {
        var addressLength = UsesIPv6(packet) ? 16 : 4;
        return Header
            + 2 * (ChunkHeader + 1)                 // family, protocol
            + 2 * (ChunkHeader + addressLength)      // source, destination address
            + 2 * (ChunkHeader + 2)                 // ports
            + 2 * (ChunkHeader + 4)                 // seconds, microseconds
            + ChunkHeader + 1                       // protocol type
            + ChunkHeader + 4                       // capture agent id
            + (packet.CorrelationId.IsEmpty ? 0 : ChunkHeader + packet.CorrelationId.Length)
            + (packet.AuthKey.IsEmpty ? 0 : ChunkHeader + packet.AuthKey.Length)
            + ChunkHeader + packet.Payload.Length;
    }

    /// <returns>Bytes written, or 0 when the packet is larger than <see cref="MaxPacket"/> or than <paramref name="destination"/>.</returns>
    public static int Write(in HepPacket packet, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(packet.Source);
        ArgumentNullException.ThrowIfNull(packet.Destination);
        var length = Measure(packet);
        if (length > MaxPacket || length > destination.Length)
        {
            return 0;
        }
        "HEP3"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)length);
        var at = Header;
        var ipv6 = UsesIPv6(packet);
        at += WriteByte(destination[at..], HepChunk.IpFamily, ipv6 ? FamilyIPv6 : FamilyIPv4);
        // TLS is TCP on the wire; the payload mirrored is the decrypted SIP (as Asterisk's res_hep_pjsip reports it).
        at += WriteByte(destination[at..], HepChunk.IpProtocol, (byte)(packet.Protocol == SipProtocol.Udp ? ProtocolType.Udp : ProtocolType.Tcp));
        at += WriteAddress(destination[at..], ipv6 ? HepChunk.SourceIPv6 : HepChunk.SourceIPv4, packet.Source.Address, ipv6);
        at += WriteAddress(destination[at..], ipv6 ? HepChunk.DestinationIPv6 : HepChunk.DestinationIPv4, packet.Destination.Address, ipv6);
        at += WriteUInt16(destination[at..], HepChunk.SourcePort, (ushort)packet.Source.Port);
        at += WriteUInt16(destination[at..], HepChunk.DestinationPort, (ushort)packet.Destination.Port);
        var sinceEpoch = packet.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        at += WriteUInt32(destination[at..], HepChunk.TimestampSeconds, (uint)(sinceEpoch / TimeSpan.TicksPerSecond));
        at += WriteUInt32(destination[at..], HepChunk.TimestampMicroseconds, (uint)(sinceEpoch % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond));
        at += WriteByte(destination[at..], HepChunk.ProtocolType, ProtocolSip);
        at += WriteUInt32(destination[at..], HepChunk.CaptureAgentId, packet.CaptureId);
        if (!packet.CorrelationId.IsEmpty)
        {
            at += WriteBytes(destination[at..], HepChunk.CorrelationId, packet.CorrelationId);
        }
        if (!packet.AuthKey.IsEmpty)
        {
            at += WriteBytes(destination[at..], HepChunk.AuthKey, packet.AuthKey);
        }
        at += WriteBytes(destination[at..], HepChunk.Payload, packet.Payload);
        return at;
    }

    /// <summary>Both addresses in one family: a v4 peer seen on a v6 socket is written v4-mapped.</summary>
    private static bool UsesIPv6(in HepPacket packet) =>
        packet.Source.AddressFamily == AddressFamily.InterNetworkV6 || packet.Destination.AddressFamily == AddressFamily.InterNetworkV6;

    private static int WriteChunkHeader(Span<byte> destination, HepChunk type, int valueLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, 0); // generic chunk: vendor 0
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)(ChunkHeader + valueLength));
        return ChunkHeader;
    }

    private static int WriteByte(Span<byte> destination, HepChunk type, byte value)
    {
        destination[WriteChunkHeader(destination, type, 1)] = value;
        return ChunkHeader + 1;
    }

    private static int WriteUInt16(Span<byte> destination, HepChunk type, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[WriteChunkHeader(destination, type, 2)..], value);
        return ChunkHeader + 2;
    }

    private static int WriteUInt32(Span<byte> destination, HepChunk type, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[WriteChunkHeader(destination, type, 4)..], value);
        return ChunkHeader + 4;
    }

    private static int WriteBytes(Span<byte> destination, HepChunk type, ReadOnlySpan<byte> value)
    {
        value.CopyTo(destination[WriteChunkHeader(destination, type, value.Length)..]);
        return ChunkHeader + value.Length;
    }

    private static int WriteAddress(Span<byte> destination, HepChunk type, IPAddress address, bool ipv6)
    {
        var length = ipv6 ? 16 : 4;
        var value = destination.Slice(WriteChunkHeader(destination, type, length), length);
        if (ipv6 && address.AddressFamily == AddressFamily.InterNetwork)
        {
            // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) without allocating a mapped IPAddress.
            value[..10].Clear();
            value[10] = 0xff;
            value[11] = 0xff;
            address.TryWriteBytes(value[12..], out _);
        }
        else
        {
            address.TryWriteBytes(value, out _);
        }
        return ChunkHeader + length;
    }
}
