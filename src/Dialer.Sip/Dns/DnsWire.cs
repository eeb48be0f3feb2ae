using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Dialer.Sip.Dns;

/// <summary>Encodes queries and decodes answers in the DNS wire format (RFC 1035 §4, RFC 2782, RFC 3596).</summary>
internal static class DnsWire
{
    public static byte[] Query(ushort id, string name, DnsRecordType type)
    {
        var bytes = new List<byte>(64);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        header[2] = 0x01; // RD: recursion desired
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1); // QDCOUNT
        bytes.AddRange(header.ToArray());
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var ascii = Encoding.ASCII.GetBytes(label);
            if (ascii.Length is 0 or > 63)
            {
                throw new ArgumentException($"'{name}' is not a valid DNS name", nameof(name));
            }
            bytes.Add((byte)ascii.Length);
            bytes.AddRange(ascii);
        }
        bytes.Add(0);
        bytes.Add(0);
        bytes.Add((byte)type);
        bytes.Add(0);
        bytes.Add(1); // class IN
        return [.. bytes];
    }

    /// <summary>One decoded answer: its type, TTL and data.</summary>
    public sealed record Answer(DnsRecordType Type, TimeSpan Ttl, SrvRecord? Srv, IPAddress? Address);

    /// <returns>False when the packet is not a well-formed answer to query <paramref name="id"/>.</returns>
    public static bool TryParse(ReadOnlySpan<byte> packet, ushort id, out int responseCode, out List<Answer> answers)
    {
        answers = [];
        responseCode = -1;
        if (packet.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(packet) != id || (packet[2] & 0x80) == 0)
        {
            return false;
        }
        responseCode = packet[3] & 0x0F;
        var questions = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        var p = 12;
        for (var i = 0; i < questions; i++)
        {
            if (!TryReadName(packet, ref p, out _) || p + 4 > packet.Length)
            {
                return false;
            }
            p += 4;
        }
        for (var i = 0; i < count; i++)
        {
            if (!TryReadName(packet, ref p, out _) || p + 10 > packet.Length)
            {
                return false;
            }
            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(packet[p..]);
            var ttl = TimeSpan.FromSeconds(BinaryPrimitives.ReadUInt32BigEndian(packet[(p + 4)..]) & 0x7FFFFFFF);
            var length = BinaryPrimitives.ReadUInt16BigEndian(packet[(p + 8)..]);
            p += 10;
            if (p + length > packet.Length)
            {
                return false;
            }
            var data = p;
            switch (type)
            {
                case DnsRecordType.A when length == 4:
                    answers.Add(new Answer(type, ttl, null, new IPAddress(packet.Slice(data, 4))));
                    break;
                case DnsRecordType.Aaaa when length == 16:
                    answers.Add(new Answer(type, ttl, null, new IPAddress(packet.Slice(data, 16))));
                    break;
                case DnsRecordType.Srv when length >= 7:
                    var target = data + 6;
                    if (!TryReadName(packet, ref target, out var name))
                    {
                        return false;
                    }
                    answers.Add(new Answer(type, ttl, new SrvRecord(BinaryPrimitives.ReadUInt16BigEndian(packet[data..]),
                        BinaryPrimitives.ReadUInt16BigEndian(packet[(data + 2)..]), BinaryPrimitives.ReadUInt16BigEndian(packet[(data + 4)..]), name), null));
                    break;
            }
            p += length;
        }
        return true;
    }

    /// <summary>Reads a possibly compressed name (RFC 1035 §4.1.4), guarding against pointer loops.</summary>
    private static bool TryReadName(ReadOnlySpan<byte> packet, ref int position, out string name)
    {
        var builder = new StringBuilder();
        var p = position;
        var jumped = false;
        for (var hops = 0; hops < 64; hops++)
        {
            if (p >= packet.Length)
            {
                break;
            }
            var length = packet[p];
            if (length == 0)
            {
                if (!jumped)
                {
                    position = p + 1;
                }
                name = builder.ToString();
                return true;
            }
            if ((length & 0xC0) == 0xC0)
            {
                if (p + 1 >= packet.Length)
                {
                    break;
                }
                if (!jumped)
                {
                    position = p + 2;
                }
                jumped = true;
                p = ((length & 0x3F) << 8) | packet[p + 1];
                continue;
            }
            if (p + 1 + length > packet.Length)
            {
                break;
            }
            if (builder.Length > 0)
            {
                builder.Append('.');
            }
            builder.Append(Encoding.ASCII.GetString(packet.Slice(p + 1, length)));
            p += 1 + length;
        }
        name = "";
        return false;
    }
}
