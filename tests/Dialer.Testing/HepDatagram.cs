using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Dialer.Testing;

/// <summary>
/// A HEPv3 packet decoded the way a collector (Homer's heplify-server, sngrep) reads it, written from the
/// specification and independent of the product's encoder: "HEP3", a u16 total length, then chunks of vendor (u16),
/// type (u16), length (u16, header included) and value, network byte order. Every chunk is kept by type.
/// </summary>
public sealed class HepDatagram
{
    private HepDatagram(int totalLength, Dictionary<ushort, byte[]> chunks, List<(ushort Vendor, ushort Type)> order)
    {
        TotalLength = totalLength;
        Chunks = chunks;
        Order = order;
    }

    public int TotalLength { get; }
    public IReadOnlyDictionary<ushort, byte[]> Chunks { get; }
    /// <summary>Vendor and type of each chunk, in the order sent.</summary>
    public IReadOnlyList<(ushort Vendor, ushort Type)> Order { get; }

    public byte Family => Chunks[0x0001][0];
    public byte Protocol => Chunks[0x0002][0];
    public IPAddress SourceAddress => new(Chunks.TryGetValue(0x0003, out var v4) ? v4 : Chunks[0x0005]);
    public IPAddress DestinationAddress => new(Chunks.TryGetValue(0x0004, out var v4) ? v4 : Chunks[0x0006]);
    public int SourcePort => BinaryPrimitives.ReadUInt16BigEndian(Chunks[0x0007]);
    public int DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(Chunks[0x0008]);
    public IPEndPoint Source => new(SourceAddress, SourcePort);
    public IPEndPoint Destination => new(DestinationAddress, DestinationPort);
    public uint Seconds => BinaryPrimitives.ReadUInt32BigEndian(Chunks[0x0009]);
    public uint Microseconds => BinaryPrimitives.ReadUInt32BigEndian(Chunks[0x000a]);
    public byte ProtocolType => Chunks[0x000b][0];
    public uint CaptureId => BinaryPrimitives.ReadUInt32BigEndian(Chunks[0x000c]);
    public string? AuthKey => Chunks.TryGetValue(0x000e, out var key) ? Encoding.UTF8.GetString(key) : null;
    public string Payload => Encoding.UTF8.GetString(Chunks[0x000f]);
    public string? CorrelationId => Chunks.TryGetValue(0x0011, out var id) ? Encoding.UTF8.GetString(id) : null;

    /// <exception cref="FormatException">Not HEPv3, or a length that does not add up.</exception>
    public static HepDatagram Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 6 || !bytes[..4].SequenceEqual("HEP3"u8))
        {
            throw new FormatException("no HEP3 magic");
        }
        var total = BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]);
        if (total != bytes.Length)
        {
            throw new FormatException($"total length {total} but {bytes.Length} bytes received");
        }
        var chunks = new Dictionary<ushort, byte[]>();
        var order = new List<(ushort, ushort)>();
        var at = 6;
        while (at < total)
        {
            if (total - at < 6)
            {
                throw new FormatException($"a chunk header cut at {at}");
            }
            var vendor = BinaryPrimitives.ReadUInt16BigEndian(bytes[at..]);
            var type = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 2)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 4)..]);
            if (length < 6 || at + length > total)
            {
                throw new FormatException($"chunk {type:x4} at {at} claims {length} bytes");
            }
            order.Add((vendor, type));
            if (!chunks.TryAdd(type, bytes.Slice(at + 6, length - 6).ToArray()))
            {
                throw new FormatException($"chunk {type:x4} twice");
            }
            at += length;
        }
        return new HepDatagram(total, chunks, order);
    }
}
