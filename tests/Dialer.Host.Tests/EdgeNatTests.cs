using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// A phone behind NAT (RFC 3581): its Via says 10.0.0.9:5060 but its datagrams come from 127.0.0.5:P. Every response
/// the edge builds itself carries received/rport and goes to P, whether or not the phone asked with rport
/// (Edge:ForceRport, on by default), a STUN Binding request on the SIP port gets P back, and CRLF keepalives are
/// taken silently.
/// </summary>
public sealed class EdgeNatTests
{
    private ApiServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [TestCase(";rport", TestName = "NatedPhone_WithRport_LearnsItsAddressFromTheResponse")]
    [TestCase("", TestName = "NatedPhone_WithoutRport_IsStillAnsweredAtItsSource_ForcedRport")]
    public async Task NatedPhone_LearnsItsAddress(string rport)
    {
        using var phone = new UdpPeer("127.0.0.5");
        var port = phone.Local.Port.ToString(CultureInfo.InvariantCulture);
        var register = $"REGISTER sip:127.0.0.1:{_server.SipPort()} SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch={RawSip.Branch()}{rport}\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:9001@127.0.0.1>;tag=n1\r\nTo: <sip:9001@127.0.0.1>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 REGISTER\r\n" +
            "Contact: <sip:9001@10.0.0.9:5060>\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n";
        await phone.SendAsync(register, _server.SipPort());
        var challenge = await phone.WaitForResponseAsync(401, "REGISTER", TimeSpan.FromSeconds(3));
        Assert.That(challenge, Is.Not.Null, "the 401 reached the phone's real source port");
        Assert.That(SipText.Header(challenge!, "Via"), Does.Contain("received=127.0.0.5").And.Contain($"rport={port}"));
    }

    [Test]
    public async Task CrlfKeepalives_OverUdp_GetNoAnswer_AndAreNotCountedAsMalformed()
    {
        using var phone = new UdpPeer("127.0.0.5");
        var before = _server.Edge.MalformedCount;
        // RFC 5626 §3.5.1's double CRLF, and a lone CRLF as some phones send: both are keepalives, not broken SIP.
        await phone.SendAsync("\r\n\r\n", _server.SipPort());
        await phone.SendAsync("\r\n", _server.SipPort());
        // Then a broken request (no Call-ID, From, To or CSeq), which is answered and counted, and an OPTIONS behind it.
        await phone.SendAsync($"OPTIONS sip:127.0.0.1:{_server.SipPort()} SIP/2.0\r\nVia: SIP/2.0/UDP {phone.HostPort};branch={RawSip.Branch()};rport\r\n"
            + "Content-Length: 0\r\n\r\n", _server.SipPort());
        Assert.That(await phone.WaitForAsync(m => m.StartsWith("SIP/2.0 400 ", StringComparison.Ordinal), TimeSpan.FromSeconds(3)), Is.Not.Null,
            "the broken request is answered");
        Assert.That(await SipProbe.OptionsAsync(_server.SipPort()), Does.StartWith("SIP/2.0 200 "));
        Assert.That(_server.Edge.MalformedCount - before, Is.EqualTo(1), "the broken request moved the counter, the keepalives did not");
        Assert.That(phone.Received, Has.Count.EqualTo(1), "nothing came back for the keepalives (over UDP there is no pong)");
    }

    [Test]
    public async Task StunBindingRequest_OnTheSipPort_GetsTheMappedPortBack()
    {
        var request = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(request, 0x0001);
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(4), 0x2112A442);
        Random.Shared.NextBytes(request.AsSpan(8));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.5"), 0));
        await socket.SendToAsync(request, new IPEndPoint(IPAddress.Loopback, _server.SipPort()));
        var buffer = new byte[512];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var received = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token);
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(buffer), Is.EqualTo(0x0101), "a Binding success response");
        Assert.That(buffer.AsSpan(8, 12).SequenceEqual(request.AsSpan(8, 12)), Is.True);
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var found = false;
        for (var offset = 20; offset + 4 <= received;)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(offset));
            var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(offset + 2));
            if (type == 0x0020)
            {
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(offset + 6)) ^ 0x2112, Is.EqualTo(local.Port));
                Assert.That(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset + 8)) ^ 0x2112A442, Is.EqualTo(0x7F000005u), "127.0.0.5");
                found = true;
            }
            offset += 4 + length;
        }
        Assert.That(found, Is.True, "XOR-MAPPED-ADDRESS present");
    }
}
