using System.Buffers.Binary;
using System.Net;
using System.Text;
using Dialer.Sip.Transport;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>STUN Binding on the SIP port (RFC 5389): the mapped address as seen, XORed, with a valid FINGERPRINT.</summary>
public sealed class StunBindingTests
{
    private static byte[] Request(ushort type = 0x0001)
    {
        var request = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(request, type);
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(4), StunBinding.MagicCookie);
        for (var i = 8; i < 20; i++)
        {
            request[i] = (byte)i;
        }
        return request;
    }

    [Test]
    public void Crc32_IsTheStandardOne() => Assert.That(StunBinding.Crc32("123456789"u8), Is.EqualTo(0xCBF43926u));

    [TestCase("203.0.113.7", 40123)]
    [TestCase("2001:db8::17", 5060)]
    public void BindingRequest_GetsTheSourceBack_InXorMappedAddress(string ip, int port)
    {
        var request = Request();
        var answer = StunBinding.Answer(request, new IPEndPoint(IPAddress.Parse(ip), port))!;
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(answer), Is.EqualTo(0x0101), "Binding success response");
        Assert.That(answer.AsSpan(8, 12).SequenceEqual(request.AsSpan(8, 12)), Is.True, "same transaction id");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(2)), Is.EqualTo(answer.Length - 20));
        var (mapped, xorMapped) = (Attribute(answer, 0x0001), Attribute(answer, 0x0020));
        var v6 = ip.Contains(':', StringComparison.Ordinal);
        Assert.That(mapped[1], Is.EqualTo(v6 ? 2 : 1), "family");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(mapped.AsSpan(2)), Is.EqualTo(port));
        Assert.That(new IPAddress(mapped[4..]).ToString(), Is.EqualTo(ip));
        var xport = BinaryPrimitives.ReadUInt16BigEndian(xorMapped.AsSpan(2)) ^ 0x2112;
        Assert.That(xport, Is.EqualTo(port));
        var key = answer.AsSpan(4, 16).ToArray();
        var address = xorMapped[4..].Select((b, i) => (byte)(b ^ key[i])).ToArray();
        Assert.That(new IPAddress(address).ToString(), Is.EqualTo(ip));
        var fingerprint = Attribute(answer, 0x8028);
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(fingerprint), Is.EqualTo(StunBinding.Crc32(answer.AsSpan(0, answer.Length - 8)) ^ 0x5354554e));
    }

    [Test]
    public void SipAndOtherStun_AreNotBindingRequests()
    {
        Assert.That(StunBinding.IsStun(Encoding.ASCII.GetBytes("OPTIONS sip:a@b SIP/2.0\r\n\r\n")), Is.False);
        Assert.That(StunBinding.IsStun(Encoding.ASCII.GetBytes("\r\n\r\n")), Is.False);
        Assert.That(StunBinding.Answer(Request(0x0111), new IPEndPoint(IPAddress.Loopback, 1)), Is.Null, "an error response is not answered");
        var wrongLength = Request();
        BinaryPrimitives.WriteUInt16BigEndian(wrongLength.AsSpan(2), 8);
        Assert.That(StunBinding.IsStun(wrongLength), Is.False);
    }

    private static byte[] Attribute(byte[] message, ushort type)
    {
        for (var offset = 20; offset + 4 <= message.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 2));
            if (BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset)) == type)
            {
                return message.AsSpan(offset + 4, length).ToArray();
            }
            offset += 4 + ((length + 3) & ~3);
        }
        throw new AssertionException($"no attribute 0x{type:x4}");
    }
}
