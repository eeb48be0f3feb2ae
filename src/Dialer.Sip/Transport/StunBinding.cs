using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Dialer.Sip.Transport;

/// <summary>
/// STUN Binding requests on the SIP UDP port (RFC 5389, used as a NAT keepalive by RFC 5626 §4.4.2 and by phones that
/// learn their public address that way): the answer carries the source as the edge saw it, in XOR-MAPPED-ADDRESS
/// (and MAPPED-ADDRESS for RFC 3489 clients), with a FINGERPRINT because STUN and SIP share the port (RFC 5389 §7.3).
/// </summary>
public static class StunBinding
{
    public const uint MagicCookie = 0x2112A442;
    private const ushort BindingRequest = 0x0001;
    private const ushort BindingSuccess = 0x0101;
    private const ushort MappedAddress = 0x0001;
    private const ushort XorMappedAddress = 0x0020;
    private const ushort Fingerprint = 0x8028;
    private const uint FingerprintXor = 0x5354554e;
    private static readonly uint[] s_crc = CrcTable();

    /// <summary>A STUN message, not SIP: the two top bits zero and the magic cookie in place (RFC 5389 §6).</summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= 20 && (datagram[0] & 0xC0) == 0 && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie
        && BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]) + 20 == datagram.Length;

    /// <returns>The Binding success response for a Binding request from <paramref name="source"/>, or null for any other STUN message.</returns>
    public static byte[]? Answer(ReadOnlySpan<byte> request, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!IsStun(request) || BinaryPrimitives.ReadUInt16BigEndian(request) != BindingRequest)
        {
            return null;
        }
        var address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = v6 ? 16 : 4;
        var attribute = 4 + 4 + addressLength;
        var response = new byte[20 + (2 * attribute) + 8];
        BinaryPrimitives.WriteUInt16BigEndian(response, BindingSuccess);
        BinaryPrimitives.WriteUInt16BigEndian(response.AsSpan(2), (ushort)(response.Length - 20));
        BinaryPrimitives.WriteUInt32BigEndian(response.AsSpan(4), MagicCookie);
        request.Slice(8, 12).CopyTo(response.AsSpan(8));
        var raw = address.GetAddressBytes();
        WriteAddress(response.AsSpan(20), MappedAddress, v6, (ushort)source.Port, raw);
        var xored = new byte[addressLength];
        for (var i = 0; i < addressLength; i++)
        {
            // RFC 5389 §15.2: XOR with the magic cookie, then (IPv6) with the transaction id.
            xored[i] = (byte)(raw[i] ^ response[4 + i]);
        }
        WriteAddress(response.AsSpan(20 + attribute), XorMappedAddress, v6, (ushort)(source.Port ^ (MagicCookie >> 16)), xored);
        var fingerprint = response.AsSpan(20 + (2 * attribute));
        BinaryPrimitives.WriteUInt16BigEndian(fingerprint, Fingerprint);
        BinaryPrimitives.WriteUInt16BigEndian(fingerprint[2..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(fingerprint[4..], Crc32(response.AsSpan(0, response.Length - 8)) ^ FingerprintXor);
        return response;
    }

    private static void WriteAddress(Span<byte> into, ushort type, bool v6, ushort port, byte[] address)
    {
        BinaryPrimitives.WriteUInt16BigEndian(into, type);
        BinaryPrimitives.WriteUInt16BigEndian(into[2..], (ushort)(4 + address.Length));
        into[4] = 0;
        into[5] = (byte)(v6 ? 0x02 : 0x01);
        BinaryPrimitives.WriteUInt16BigEndian(into[6..], port);
        address.CopyTo(into[8..]);
    }

    /// <summary>CRC-32 as in ISO 3309 / zlib (the FINGERPRINT of RFC 5389 §15.5).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = s_crc[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] CrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
