using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Sip.Tests.Loopback;

/// <summary>TCP under abuse (issue "Edge under attack"): connection limits, idle and partial-message timeouts on a manual clock, a peer that never reads.</summary>
public sealed class TcpLimitTests
{
    private static async Task<(SipTransportHost Host, IPEndPoint Listen)> HostAsync(SipTransportOptions options, List<SipMessage>? received = null)
    {
        var host = new SipTransportHost((message, _) => { lock (received ?? []) { received?.Add(message); } }, options);
        host.Start([new SipListenAddress(SipProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, 0))]);
        await Task.Yield();
        return (host, host.Bound[0].Address);
    }

    /// <summary>True when the server closed the connection within two seconds (a read returns 0 or fails).</summary>
    private static async Task<bool> ClosedByPeerAsync(Socket client)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            while (true)
            {
                if (await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint to)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(to);
        return client;
    }

    [Test]
    public async Task ConnectionBeyondTheLimit_IsClosedAtOnce()
    {
        var (host, listen) = await HostAsync(new SipTransportOptions { MaxConnections = 2 });
        await using var _ = host;
        using var first = await ConnectAsync(listen);
        using var second = await ConnectAsync(listen);
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(host.ConnectionCount == 2)), Is.True);
        using var third = await ConnectAsync(listen);
        Assert.That(await ClosedByPeerAsync(third), Is.True, "connection N+1 refused");
        Assert.That(host.RefusedConnections, Is.EqualTo(1));
        Assert.That(host.ConnectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task ConnectionClosed_IsReportedWithThePeersEndpoint_ButNotWhenTheHostStops()
    {
        var (host, listen) = await HostAsync(new SipTransportOptions());
        var closed = new List<SipEndpoint>();
        host.ConnectionClosed += endpoint => { lock (closed) { closed.Add(endpoint); } };
        using var leaving = await ConnectAsync(listen);
        using var staying = await ConnectAsync(listen);
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(host.ConnectionCount == 2)), Is.True);
        var gone = new SipEndpoint(SipProtocol.Tcp, (IPEndPoint)leaving.LocalEndPoint!);
        leaving.Close();
        Assert.That(await Eventually.TrueAsync(() => { lock (closed) { return Task.FromResult(closed.Count == 1); } }), Is.True);
        await host.DisposeAsync();
        lock (closed)
        {
            Assert.That(closed, Is.EqualTo(new[] { gone }), "the phone's connection, once; the one the stopping host closed is not reported");
        }
    }

    [Test]
    public async Task IdleConnection_IsClosedOnTheClock()
    {
        var clock = new ManualTimeProvider();
        var (host, listen) = await HostAsync(new SipTransportOptions { Time = clock, IdleTimeout = TimeSpan.FromMinutes(10) });
        await using var _ = host;
        using var client = await ConnectAsync(listen);
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(host.ConnectionCount == 1)), Is.True);
        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.That(host.ConnectionCount, Is.EqualTo(1), "not idle long enough");
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.That(await ClosedByPeerAsync(client), Is.True, "closed after the idle timeout");
    }

    [Test]
    public async Task HalfSentMessage_IsWaitedFor_ThenTheConnectionCloses()
    {
        var clock = new ManualTimeProvider();
        var received = new List<SipMessage>();
        var (host, listen) = await HostAsync(new SipTransportOptions { Time = clock, PartialMessageTimeout = TimeSpan.FromSeconds(10) }, received);
        await using var _ = host;
        using var client = await ConnectAsync(listen);
        var invite = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKpartial\r\nMax-Forwards: 70\r\n"
            + "From: <sip:b@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>\r\nCall-ID: partial\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        await client.SendAsync(Encoding.ASCII.GetBytes(invite[..40]));
        await Task.Delay(100);
        clock.Advance(TimeSpan.FromSeconds(5));
        await client.SendAsync(Encoding.ASCII.GetBytes(invite[40..]));
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(received.Count == 1)), Is.True, "a message sent in two parts within the timeout is read");
        await client.SendAsync(Encoding.ASCII.GetBytes("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP"));
        await Task.Delay(100);
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.That(await ClosedByPeerAsync(client), Is.True, "a message left half-sent closes the connection");
    }

    [Test]
    public async Task PeerThatNeverReads_IsDropped_WithBoundedMemory()
    {
        var (host, listen) = await HostAsync(new SipTransportOptions { MaxQueuedBytes = 256 * 1024, SendTimeout = TimeSpan.FromSeconds(1) });
        await using var _ = host;
        using var client = await ConnectAsync(listen);
        client.ReceiveBufferSize = 4096;
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(host.ConnectionCount == 1)), Is.True);
        var peer = new SipEndpoint(SipProtocol.Tcp, (IPEndPoint)client.LocalEndPoint!);
        var chunk = new byte[64 * 1024];
        var sends = Enumerable.Range(0, 200).Select(_ => host.SendAsync(peer, chunk).AsTask()).ToList();
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(results.Count(ok => !ok), Is.GreaterThan(100), "most of 12.5 MiB to a peer that never reads are refused, not queued");
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(host.ConnectionCount == 0), TimeSpan.FromSeconds(5)), Is.True, "and the connection is dropped");
    }
}
