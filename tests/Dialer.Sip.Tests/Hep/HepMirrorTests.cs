using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Sip.Hep;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Sip.Tests.Hep;

/// <summary>The HEP mirror behind the transport tap: what reaches a loopback collector, and a full queue that drops.</summary>
public sealed class HepMirrorTests
{
    private static string Options(IPEndPoint client, string callId, string transport) =>
        $"OPTIONS sip:edge@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/{transport} {client};branch=z9hG4bK{callId}\r\nMax-Forwards: 70\r\n" +
        $"From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:edge@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    /// <summary>A transport host whose handler answers every request with 200 (Via, Call-ID and CSeq copied).</summary>
    private static SipTransportHost Answering(HepMirror mirror)
    {
        SipTransportHost? host = null;
        host = new SipTransportHost((message, source) =>
        {
            if (!message.IsRequest)
            {
                return;
            }
            var span = message.Span;
            var via = Encoding.ASCII.GetString(message.HeaderAt(message.IndexOf(HeaderKind.Via)).Value.Of(span));
            var answer = $"SIP/2.0 200 OK\r\nVia: {via}\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:edge@127.0.0.1>;tag=2\r\n" +
                $"Call-ID: {Encoding.ASCII.GetString(message.CallId)}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            _ = host!.SendAsync(source, Encoding.ASCII.GetBytes(answer)).AsTask();
        }, new SipTransportOptions { Tap = mirror, UdpReceiveLoops = 1 });
        host.Start([new SipListenAddress(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)), new SipListenAddress(SipProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, 0))]);
        return host;
    }

    [Test]
    public async Task Udp_RequestInAndResponseOut_ReachTheCollector()
    {
        await using var collector = new HepReceiver();
        await using var mirror = new HepMirror(new HepMirrorOptions { Collector = new HepCollector("127.0.0.1", collector.Local.Port), AuthKey = "pw" });
        mirror.Start();
        await using var host = Answering(mirror);
        var edge = host.Bound.First(b => b.Protocol == SipProtocol.Udp).Address;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)client.LocalEndPoint!;
        await client.SendToAsync(Encoding.ASCII.GetBytes(Options(local, "udp-call-1", "UDP")), edge);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ReceiveAsync(new byte[4096], SocketFlags.None, timeout.Token);

        var packets = await collector.WaitAsync(p => p.Count >= 2);
        Assert.That(packets, Has.Count.EqualTo(2), "one request in, one response out");
        var request = packets.Single(p => p.Payload.StartsWith("OPTIONS ", StringComparison.Ordinal));
        var response = packets.Single(p => p.Payload.StartsWith("SIP/2.0 200", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(request.Protocol, Is.EqualTo(17));
            Assert.That(request.Source, Is.EqualTo(local));
            Assert.That(request.Destination, Is.EqualTo(edge));
            Assert.That(response.Source, Is.EqualTo(edge));
            Assert.That(response.Destination, Is.EqualTo(local));
            Assert.That(request.CorrelationId, Is.EqualTo("udp-call-1"));
            Assert.That(response.CorrelationId, Is.EqualTo("udp-call-1"));
            Assert.That(response.CaptureId, Is.EqualTo(HepMirrorOptions.DefaultCaptureId));
            Assert.That(response.AuthKey, Is.EqualTo("pw"));
            Assert.That(collector.Errors, Is.Empty);
            Assert.That(mirror.Sent, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Tcp_RequestInAndResponseOut_ReachTheCollector()
    {
        await using var collector = new HepReceiver();
        await using var mirror = new HepMirror(new HepMirrorOptions { Collector = new HepCollector("127.0.0.1", collector.Local.Port) });
        mirror.Start();
        await using var host = Answering(mirror);
        var edge = host.Bound.First(b => b.Protocol == SipProtocol.Tcp).Address;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(edge);
        var local = (IPEndPoint)client.LocalEndPoint!;
        await client.SendAsync(Encoding.ASCII.GetBytes(Options(local, "tcp-call-1", "TCP")));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ReceiveAsync(new byte[4096], SocketFlags.None, timeout.Token);

        var packets = await collector.WaitAsync(p => p.Count >= 2);
        var request = packets.Single(p => p.Payload.StartsWith("OPTIONS ", StringComparison.Ordinal));
        var response = packets.Single(p => p.Payload.StartsWith("SIP/2.0 200", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(request.Protocol, Is.EqualTo(6));
            Assert.That(response.Protocol, Is.EqualTo(6));
            Assert.That(request.Source, Is.EqualTo(local));
            Assert.That(request.Destination, Is.EqualTo(edge));
            Assert.That(response.Source, Is.EqualTo(edge));
            Assert.That(response.Destination, Is.EqualTo(local));
            Assert.That(response.CorrelationId, Is.EqualTo("tcp-call-1"));
        });
    }

    [Test]
    public async Task CollectorByName_IsResolved()
    {
        await using var collector = new HepReceiver();
        await using var mirror = new HepMirror(new HepMirrorOptions { Collector = new HepCollector("localhost", collector.Local.Port) });
        mirror.Start();
        mirror.Capture(SipProtocol.Udp, IPEndPoint.Parse("192.0.2.1:5060"), IPEndPoint.Parse("192.0.2.2:5060"), "OPTIONS sip:x SIP/2.0\r\n\r\n"u8);
        var packets = await collector.WaitAsync(p => p.Count >= 1);
        Assert.That(packets, Has.Count.EqualTo(1));
        Assert.That(packets[0].CorrelationId, Is.Null, "no Call-ID in that message");
    }

    [Test]
    public async Task FullQueue_DropsAndCounts_WithoutBlocking()
    {
        await using var collector = new HepReceiver();
        await using var mirror = new HepMirror(new HepMirrorOptions { Collector = new HepCollector("127.0.0.1", collector.Local.Port), QueueCapacity = 4 });
        var message = Encoding.ASCII.GetBytes(Options(IPEndPoint.Parse("127.0.0.1:5062"), "full-1", "UDP"));
        var elapsed = Stopwatch.StartNew();
        // The sender is not started yet: nothing drains the queue, as when the collector's path is stalled.
        for (var i = 0; i < 10_000; i++)
        {
            mirror.Capture(SipProtocol.Udp, IPEndPoint.Parse("127.0.0.1:5062"), IPEndPoint.Parse("127.0.0.1:5060"), message);
        }
        elapsed.Stop();
        Assert.That(mirror.Depth, Is.EqualTo(4));
        Assert.That(mirror.DroppedQueueFull, Is.EqualTo(9_996));
        Assert.That(elapsed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "10,000 captures never waited for a sender");

        mirror.Start();
        var packets = await collector.WaitAsync(p => p.Count >= 4);
        Assert.That(packets, Has.Count.EqualTo(4), "what was queued is sent once the sender runs");
        Assert.That(mirror.Sent, Is.EqualTo(4));
    }

    [Test]
    public async Task Stop_RefusesFurtherCopies()
    {
        await using var collector = new HepReceiver();
        var mirror = new HepMirror(new HepMirrorOptions { Collector = new HepCollector("127.0.0.1", collector.Local.Port) });
        mirror.Start();
        await mirror.DisposeAsync();
        mirror.Capture(SipProtocol.Udp, IPEndPoint.Parse("127.0.0.1:1"), IPEndPoint.Parse("127.0.0.1:2"), "x"u8);
        Assert.That(mirror.DroppedQueueFull, Is.EqualTo(1));
    }
}
