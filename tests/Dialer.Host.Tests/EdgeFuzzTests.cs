using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// The running edge fed mutated SIP over UDP and TCP (issue 13's fuzzer), from a dialer's address and from a
/// stranger's: it never crashes, keeps its tables bounded, and still answers a valid request after.
/// The count is bounded for `make test`; DIALER_FUZZ_DATAGRAMS sets a long run.
/// </summary>
public sealed class EdgeFuzzTests
{
    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("DIALER_FUZZ_DATAGRAMS"), out var n) && n > 0 ? n : 20_000;

    private static IReadOnlyList<byte[]> Seeds(int edgePort)
    {
        var edge = $"127.0.0.1:{edgePort.ToString(CultureInfo.InvariantCulture)}";
        string Request(string method, string uri, string extra = "", string body = "") =>
            $"{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKfuzz{method}1;rport\r\nMax-Forwards: 70\r\n"
            + $"From: <sip:dialer@127.0.0.1>;tag=f1\r\nTo: <{uri}>\r\nCall-ID: fuzz-{method}\r\nCSeq: 1 {method}\r\n"
            + $"Contact: <sip:dialer@127.0.0.1:5999>\r\n{extra}Content-Length: {Encoding.ASCII.GetByteCount(body).ToString(CultureInfo.InvariantCulture)}\r\n\r\n{body}";
        const string sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n";
        string[] texts =
        [
            Request("INVITE", $"sip:15551234@{edge}", "Content-Type: application/sdp\r\nX-Dialer-Campaign: fuzz\r\n", sdp),
            Request("REGISTER", $"sip:{edge}", "Expires: 60\r\nAuthorization: Digest username=\"1001\", realm=\"dialer\", nonce=\"abc\", uri=\"sip:127.0.0.1\", response=\"00\", nc=00000001, cnonce=\"x\", qop=auth\r\n"),
            Request("OPTIONS", $"sip:{edge}"),
            Request("BYE", $"sip:carrier@127.0.0.1:5998", $"Route: <sip:{edge};lr;dlg=0123456789abcdef.000000000000000000000000>\r\n"),
            Request("ACK", $"sip:15551234@{edge}"),
            Request("CANCEL", $"sip:15551234@{edge}"),
            Request("MESSAGE", $"sip:1001@{edge}", "Content-Type: text/plain\r\n", "hello"),
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:" + edgePort.ToString(CultureInfo.InvariantCulture) + ";branch=z9hG4bKdlr0011223344556677.1\r\n"
                + "From: <sip:dialer@127.0.0.1>;tag=f1\r\nTo: <sip:15551234@127.0.0.1>;tag=t1\r\nCall-ID: fuzz-response\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
        ];
        return [.. texts.Select(Encoding.ASCII.GetBytes)];
    }

    [Test]
    public async Task MutatedSip_OverUdpAndTcp_NeitherCrashesNorGrowsTheEdge_WhichStillAnswers()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Edge:Flood:MaxRequests"] = "100000000", // the limiter would stop the fuzz at once; it is tested apart
        });
        var port = server.SipPort();
        var tcpPort = server.SipPort(Dialer.Sip.Transport.SipProtocol.Tcp);
        var mutator = new SipMutator(Seeds(port), seed: 13);
        using var dialer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        dialer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var edge = new IPEndPoint(IPAddress.Loopback, port);
        var before = Process.GetCurrentProcess().WorkingSet64;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            await (i % 3 == 0 ? stranger : dialer).SendToAsync(mutator.Next(), SocketFlags.None, edge);
            if (i % 500 == 499)
            {
                await Task.Delay(5); // about 50,000 a second at most: the fuzz, not the kernel queue, is under test
            }
        }
        // TCP: a few connections, each a stream of mutants back to back, some cut mid-message.
        for (var c = 0; c < 20; c++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, tcpPort);
            var stream = tcp.GetStream();
            for (var m = 0; m < 50; m++)
            {
                try
                {
                    await stream.WriteAsync(mutator.Next());
                }
                catch (IOException)
                {
                    break; // the edge closed a connection that sent garbage: allowed
                }
            }
        }
        var rate = Count / watch.Elapsed.TotalSeconds;

        // Still serving: a valid OPTIONS gets its 200, once the datagrams still queued for the edge are worked off
        // (asked again each second, for at most 30 s).
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var buffer = new byte[4096];
        var answer = "";
        for (var attempt = 0; attempt < 30 && !answer.Contains("after-fuzz", StringComparison.Ordinal); attempt++)
        {
            var callId = $"after-fuzz-{attempt.ToString(CultureInfo.InvariantCulture)}";
            var options = Encoding.ASCII.GetBytes($"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKafter{Guid.NewGuid():N};rport\r\n"
                + $"Max-Forwards: 70\r\nFrom: <sip:dialer@127.0.0.1>;tag=a1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
            await probe.SendToAsync(options, SocketFlags.None, edge);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                while (!answer.Contains("after-fuzz", StringComparison.Ordinal))
                {
                    var got = await probe.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                    answer = Encoding.ASCII.GetString(buffer, 0, got);
                }
            }
            catch (OperationCanceledException)
            {
                // Not yet: ask again.
            }
        }
        Assert.That(answer, Does.StartWith("SIP/2.0 200 "), "the edge still answers after the fuzz");

        // Bounded: no dialog left (no trunk exists, so no fuzzed INVITE may have opened one that lives), transactions
        // drain as their timers run out, and the managed heap did not keep what it was sent.
        Assert.That(server.Edge.Dialogs.Count, Is.Zero, "no dialog outlives the fuzz");
        Assert.That(server.Edge.MalformedCount, Is.GreaterThan(0), "the fuzz reached the parser's refusals");
        Assert.That(server.Edge.FailedCount, Is.Zero, "no message made a handler throw");
        Assert.That(server.Edge.ServerTransactionCount, Is.LessThan(Count / 2), "strangers got no transactions; the rest are bounded by their timers");
        var after = Process.GetCurrentProcess().WorkingSet64;
        TestContext.Out.WriteLine($"{Count} datagrams at {rate:F0}/s; {server.Edge.MalformedCount} malformed, {server.Edge.FailedCount} failed; {server.Edge.ServerTransactionCount} server transactions left; "
            + $"working set {before / 1048576.0:F0} MiB before, {after / 1048576.0:F0} MiB after");
    }
}
