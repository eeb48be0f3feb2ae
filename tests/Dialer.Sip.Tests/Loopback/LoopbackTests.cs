using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Sip.Tests.Loopback;

/// <summary>Exchanges over real UDP and TCP sockets on loopback, between hosts built from the library alone.</summary>
public sealed class LoopbackTests
{
    private TestUas _uas = null!;
    private TestUac _uac = null!;

    [OneTimeSetUp]
    public void StartHosts()
    {
        _uas = TestUas.Start("udp:127.0.0.1:0", "tcp:127.0.0.1:0", "udp:[::1]:0");
        _uac = TestUac.Start("udp:127.0.0.1:0", "tcp:127.0.0.1:0", "udp:[::1]:0");
    }

    [OneTimeTearDown]
    public async Task StopHosts()
    {
        await _uac.DisposeAsync();
        await _uas.DisposeAsync();
    }

    [Test]
    public async Task Options_OverUdp_Gets200()
    {
        Assert.That(await _uac.RequestAsync("OPTIONS", TestUac.Endpoint(SipProtocol.Udp, IPAddress.Loopback, _uas.Port(SipProtocol.Udp))), Is.EqualTo(200));
    }

    [Test]
    public async Task Options_OverIpv6Udp_Gets200()
    {
        var port = _uas.Host.Bound.First(b => b.Address.AddressFamily == AddressFamily.InterNetworkV6).Address.Port;
        Assert.That(await _uac.RequestAsync("OPTIONS", TestUac.Endpoint(SipProtocol.Udp, IPAddress.IPv6Loopback, port)), Is.EqualTo(200));
    }

    [Test]
    public async Task Requests_OverTcp_ReuseOneConnection()
    {
        var uas = TestUac.Endpoint(SipProtocol.Tcp, IPAddress.Loopback, _uas.Port(SipProtocol.Tcp));
        Assert.That(await _uac.RequestAsync("OPTIONS", uas), Is.EqualTo(200));
        Assert.That(await _uac.RequestAsync("MESSAGE", uas), Is.EqualTo(200));
        Assert.That(_uac.Host.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task NobodyListening_OverTcp_IsATransportError503()
    {
        using var refusing = LoopbackPorts.Refusing(out var port);
        Assert.That(await _uac.RequestAsync("OPTIONS", TestUac.Endpoint(SipProtocol.Tcp, IPAddress.Loopback, port)), Is.EqualTo(503));
    }

    [TestCase("INVITE sip:a@b SIP/3.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{0};branch=z9hG4bKx;rport\r\nContent-Length: 0\r\n\r\n", "SIP/2.0 505 Version Not Supported")]
    [TestCase("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{0};branch=z9hG4bKx;rport\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", "SIP/2.0 400 Bad Request: Missing Call-ID")]
    [TestCase("OPTIONS mailto:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{0};branch=z9hG4bKx;rport\r\nContent-Length: 0\r\n\r\n", "SIP/2.0 416 Unsupported URI Scheme")]
    public async Task MalformedRequest_OverUdp_GetsTheRfcAnswer(string template, string expected)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        await socket.SendToAsync(Encoding.ASCII.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, local.Port)),
            new IPEndPoint(IPAddress.Loopback, _uas.Port(SipProtocol.Udp)));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.That(Encoding.ASCII.GetString(buffer, 0, received), Does.StartWith(expected + "\r\n"));
    }

    [Test]
    public async Task Garbage_NeverStopsTheHost()
    {
        var before = _uas.Host.MalformedCount;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            var target = new IPEndPoint(IPAddress.Loopback, _uas.Port(SipProtocol.Udp));
            foreach (var junk in new[] { new byte[] { 0, 0, 0 }, Encoding.ASCII.GetBytes("SIP/2.0 999 Nope\r\n\r\n"), Enumerable.Repeat((byte)'A', 60_000).ToArray() })
            {
                await socket.SendToAsync(junk, target);
            }
        }
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, _uas.Port(SipProtocol.Tcp));
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("BROKEN sip:x SIP/2.0\r\nNoColonHere\r\nContent-Length: 0\r\n\r\n"));
            await stream.WriteAsync(Enumerable.Repeat((byte)'B', 100_000).ToArray());
        }
        Assert.That(await _uac.RequestAsync("OPTIONS", TestUac.Endpoint(SipProtocol.Udp, IPAddress.Loopback, _uas.Port(SipProtocol.Udp))), Is.EqualTo(200));
        Assert.That(await _uac.RequestAsync("OPTIONS", TestUac.Endpoint(SipProtocol.Tcp, IPAddress.Loopback, _uas.Port(SipProtocol.Tcp))), Is.EqualTo(200));
        Assert.That(_uas.Host.MalformedCount, Is.GreaterThan(before));
    }

    [Test]
    public async Task DoubleCrlfPing_OverTcp_GetsACrlfPong()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _uas.Port(SipProtocol.Tcp));
        var stream = tcp.GetStream();
        await stream.WriteAsync("\r\n\r\n"u8.ToArray());
        var buffer = new byte[8];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var read = await stream.ReadAsync(buffer, timeout.Token);
        Assert.That(Encoding.ASCII.GetString(buffer, 0, read), Is.EqualTo("\r\n"));
    }
}
