using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// A flood from 127.0.0.2 while a SIPp dialer on 127.0.0.1 places calls through a trunk (issue "Edge under attack"): the
/// dialer's calls all complete, the flooder is blocked and reported, and it got back far fewer datagrams than it sent.
/// </summary>
public sealed class EdgeFloodTests
{
    [Test]
    public async Task Flood_IsBlocked_WhileTheDialersCallsAllComplete()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Edge:Flood:MaxRequests"] = "500",
        });
        using var admin = server.Client();
        var port = LoopbackPorts.Free();
        Assert.That((await admin.PostJsonAsync("/api/trunks",
            $$"""{"name":"flooded","channelCap":50,"dialPrefix":"72","servers":[{"host":"127.0.0.1","port":{{port}}}]}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        await using var carrier = SippProcess.Start(SippScenario.Load("carrier-answer"), ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the carrier listens");

        using var flooder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        flooder.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var sent = 0;
        var answered = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    await flooder.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                    Interlocked.Increment(ref answered);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var flooding = Task.Run(async () =>
        {
            var edge = new IPEndPoint(IPAddress.Loopback, server.SipPort());
            while (!stop.IsCancellationRequested && sent < 30_000)
            {
                var method = sent % 2 == 0 ? "INVITE" : "REGISTER";
                var request = $"{method} sip:7200{sent}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKf{sent}\r\nMax-Forwards: 70\r\n"
                    + $"From: <sip:x@127.0.0.2>;tag={sent}\r\nTo: <sip:7200{sent}@127.0.0.1>\r\nCall-ID: flood-{sent}\r\nCSeq: 1 {method}\r\n"
                    + "Contact: <sip:x@127.0.0.2:5060>\r\nContent-Length: 0\r\n\r\n";
                await flooder.SendToAsync(Encoding.ASCII.GetBytes(request), edge);
                sent++;
            }
        });
        var scenario = Path.Combine(Path.GetTempPath(), $"flood-dialer-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(scenario, SippScenario.Load("dialer-load", ("extension", "72555"), ("hold", "200"), ("campaign", "none")));
        try
        {
            var dialer = await Sipp.RunAsync(["-sf", scenario, "-i", "127.0.0.1", "-p", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "-t", "u1",
                "-m", "100", "-r", "25", "-l", "100", $"127.0.0.1:{server.SipPort()}"], TimeSpan.FromSeconds(40));
            Assert.That(dialer.ExitCode, Is.Zero, "every dialer call completed during the flood: " + dialer.Output);
        }
        finally
        {
            File.Delete(scenario);
        }
        await flooding;
        await receiving;
        Assert.That(server.Edge.Flood.Blocks, Is.GreaterThanOrEqualTo(1), "the flooder was blocked");
        Assert.That(server.Edge.Flood.Dropped, Is.GreaterThan(1000), $"of its {sent} messages, those past the limit were dropped unanswered");
        // Up to the limit it was answered (one stateless 403 per INVITE, a 401 per REGISTER), then nothing.
        Assert.That(answered, Is.LessThanOrEqualTo(600), $"it got {answered} datagrams back for {sent} sent");
        Assert.That(server.Edge.Dialogs.Count, Is.Zero, "the flood left no dialog behind");
    }
}
