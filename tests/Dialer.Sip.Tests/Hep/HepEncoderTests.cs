using System.Net;
using System.Text;
using Dialer.Sip.Hep;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Sip.Tests.Hep;

/// <summary>HEPv3 bytes, decoded per the specification (vendor, type, length per chunk) by the tests' own reader.</summary>
public sealed class HepEncoderTests
{
    private const string Options = "OPTIONS sip:edge@192.0.2.1 SIP/2.0\r\nCall-ID: abc-123@host\r\nContent-Length: 0\r\n\r\n";
    private static readonly DateTimeOffset s_when = new(2026, 12, 1, 12, 30, 45, TimeSpan.Zero);

    private static HepDatagram Encode(SipProtocol protocol, IPEndPoint source, IPEndPoint destination, string authKey = "", string callId = "abc-123@host")
    {
        var packet = new byte[HepEncoder.MaxPacket];
        var hep = new HepPacket
        {
            Protocol = protocol,
            Source = source,
            Destination = destination,
            Timestamp = s_when.AddTicks(1_234_567), // 123,456.7 µs past the second
            CaptureId = 2001,
            AuthKey = Encoding.UTF8.GetBytes(authKey),
            CorrelationId = Encoding.UTF8.GetBytes(callId),
            Payload = Encoding.UTF8.GetBytes(Options),
        };
        var length = HepEncoder.Write(hep, packet);
        Assert.That(length, Is.EqualTo(HepEncoder.Measure(hep)), "Measure predicts the size Write uses");
        return HepDatagram.Decode(packet.AsSpan(0, length));
    }

    [Test]
    public void Udp_IPv4_CarriesEveryChunk()
    {
        var hep = Encode(SipProtocol.Udp, IPEndPoint.Parse("192.0.2.10:5062"), IPEndPoint.Parse("198.51.100.7:5060"));
        Assert.Multiple(() =>
        {
            Assert.That(hep.Order.All(c => c.Vendor == 0), "generic chunks, vendor 0");
            Assert.That(hep.Order.Select(c => c.Type), Is.EqualTo(new ushort[] { 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 0x11, 0x0f }));
            Assert.That(hep.Family, Is.EqualTo(2), "AF_INET");
            Assert.That(hep.Protocol, Is.EqualTo(17), "UDP");
            Assert.That(hep.Source, Is.EqualTo(IPEndPoint.Parse("192.0.2.10:5062")));
            Assert.That(hep.Destination, Is.EqualTo(IPEndPoint.Parse("198.51.100.7:5060")));
            Assert.That(hep.Chunks[0x0003], Has.Length.EqualTo(4));
            Assert.That(hep.Seconds, Is.EqualTo((uint)s_when.ToUnixTimeSeconds()));
            Assert.That(hep.Microseconds, Is.EqualTo(123_456));
            Assert.That(hep.ProtocolType, Is.EqualTo(1), "SIP");
            Assert.That(hep.CaptureId, Is.EqualTo(2001));
            Assert.That(hep.CorrelationId, Is.EqualTo("abc-123@host"));
            Assert.That(hep.AuthKey, Is.Null, "no password configured: no 0x000e chunk");
            Assert.That(hep.Payload, Is.EqualTo(Options));
        });
    }

    [Test]
    public void Tcp_IPv6_WithAuthKey()
    {
        var hep = Encode(SipProtocol.Tcp, IPEndPoint.Parse("[2001:db8::1]:5060"), IPEndPoint.Parse("[2001:db8::2]:40000"), authKey: "s3cret");
        Assert.Multiple(() =>
        {
            Assert.That(hep.Family, Is.EqualTo(10), "AF_INET6");
            Assert.That(hep.Protocol, Is.EqualTo(6), "TCP");
            Assert.That(hep.Chunks.ContainsKey(0x0003), Is.False);
            Assert.That(hep.Chunks[0x0005], Has.Length.EqualTo(16));
            Assert.That(hep.Source, Is.EqualTo(IPEndPoint.Parse("[2001:db8::1]:5060")));
            Assert.That(hep.Destination, Is.EqualTo(IPEndPoint.Parse("[2001:db8::2]:40000")));
            Assert.That(hep.AuthKey, Is.EqualTo("s3cret"));
        });
    }

    [Test]
    public void Tls_IsReportedAsTcp()
    {
        Assert.That(Encode(SipProtocol.Tls, IPEndPoint.Parse("192.0.2.1:5061"), IPEndPoint.Parse("192.0.2.2:5061")).Protocol, Is.EqualTo(6));
    }

    [Test]
    public void MixedFamilies_AreWrittenAsIPv6_V4Mapped()
    {
        var hep = Encode(SipProtocol.Udp, IPEndPoint.Parse("192.0.2.10:5060"), IPEndPoint.Parse("[2001:db8::2]:5060"));
        Assert.That(hep.Family, Is.EqualTo(10));
        Assert.That(hep.SourceAddress, Is.EqualTo(IPAddress.Parse("::ffff:192.0.2.10")));
    }

    [Test]
    public void NoCallId_SendsNoCorrelationChunk()
    {
        Assert.That(Encode(SipProtocol.Udp, IPEndPoint.Parse("192.0.2.1:1"), IPEndPoint.Parse("192.0.2.2:2"), callId: "").CorrelationId, Is.Null);
    }

    [Test]
    public void TooLarge_WritesNothing()
    {
        var packet = new byte[HepEncoder.MaxPacket];
        var hep = new HepPacket
        {
            Source = IPEndPoint.Parse("192.0.2.1:1"),
            Destination = IPEndPoint.Parse("192.0.2.2:2"),
            Payload = new byte[HepEncoder.MaxPacket - 50],
        };
        Assert.That(HepEncoder.Write(hep, packet), Is.Zero);
    }

    [TestCase("127.0.0.1:9060", "127.0.0.1", 9060)]
    [TestCase("homer.example.net:9060", "homer.example.net", 9060)]
    [TestCase("[::1]:9060", "::1", 9060)]
    public void Collector_Parses(string text, string host, int port)
    {
        Assert.That(HepCollector.TryParse(text, out var collector), Is.True);
        Assert.That(collector, Is.EqualTo(new HepCollector(host, port)));
    }

    [TestCase("")]
    [TestCase("127.0.0.1")]
    [TestCase("::1:9060")]
    [TestCase("homer:0")]
    [TestCase("homer:65536")]
    [TestCase("ho mer:9060")]
    [TestCase("[homer]:9060")]
    public void Collector_RefusesNonsense(string text)
    {
        Assert.That(HepCollector.TryParse(text, out _), Is.False);
    }
}
