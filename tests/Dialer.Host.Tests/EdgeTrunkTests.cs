using System.Globalization;
using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Dialer calls to carriers through the edge: the trunk's channel cap holds as the carrier counts, failover.</summary>
// Timing-sensitive or CPU-heavy: runs alone, not beside another fixture.
[NonParallelizable]
public sealed class EdgeTrunkTests
{
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        _admin = _server.Client();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private static string Template(string name) => SippScenario.Load(name);

    /// <summary>A SIPp carrier listening on <paramref name="port"/> (started and bound before this returns).</summary>
    private static async Task<SippProcess> CarrierAsync(string scenario, int port)
    {
        var carrier = SippProcess.Start(Template(scenario), ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-trace_logs"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, $"SIPp {scenario} listens on {port}");
        return carrier;
    }

    private async Task CreateTrunkAsync(string json)
    {
        var created = await _admin.PostJsonAsync("/api/trunks", json);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await _server.WaitForPeersAsync();
    }

    private Task<Sipp.Result> DialAsync(string number, int calls, int rate, int holdMs, string campaign = "none") =>
        DialerLoad.RunAsync(_server.SipPort(), number, calls, rate, holdMs, campaign);

    private async Task<System.Text.Json.JsonElement> ChannelsAsync(string trunk)
    {
        var all = await (await _admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync();
        return all.EnumerateArray().Single(t => t.GetProperty("trunk").GetString() == trunk);
    }

    [Test]
    public async Task OverloadedTrunk_CarrierNeverSeesMoreThanTheCap_AndTheRestGet503()
    {
        // The figures of issue 5: cap 20, calls held 2 s, 40 calls per second offered for 10 s (2x and more over the cap).
        var port = LoopbackPorts.Free();
        await CreateTrunkAsync($$"""{"name":"capped","channelCap":20,"dialPrefix":"71","servers":[{"host":"127.0.0.1","port":{{port}}}]}""");
        await using var carrier = await CarrierAsync("carrier-answer", port);
        var dialer = await DialAsync("715551234", calls: 400, rate: 40, holdMs: 2000);
        await Task.Delay(500);
        var (peak, calls, open) = CarrierLog.Concurrency(carrier.LogLines());
        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.EqualTo(20), "the carrier reached, and never passed, the cap");
            Assert.That(open, Is.Zero, "every call the carrier got was ended");
            // About 100 (20 channels x 5 holds of 2 s in 10 s); a loaded machine gets fewer through, never more than the cap allows.
            Assert.That(calls, Is.InRange(40, 399), "most calls were refused at the edge");
        });
        var channels = await ChannelsAsync("capped");
        Assert.That(channels.GetProperty("inUse").GetInt32(), Is.Zero, "no channel leaked when the load ended");
        Assert.That(channels.GetProperty("peak").GetInt32(), Is.EqualTo(20));
        Assert.That(channels.GetProperty("admitted").GetInt64(), Is.EqualTo(calls));
        Assert.That(channels.GetProperty("rejected").GetProperty("channelCap").GetInt64(), Is.EqualTo(400 - calls), dialer.Output);
        var metrics = await _admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(metrics, Does.Contain("dialer_trunk_channels_peak{trunk=\"capped\"} 20\n"));
        Assert.That(metrics, Does.Contain($"dialer_trunk_calls_rejected_total{{trunk=\"capped\",cause=\"channelcap\"}} {400 - calls}\n"));
    }

    [Test]
    public async Task Carrier_GetsDigestTransformedNumberIdentityAndOnlyItsCodecs()
    {
        var port = LoopbackPorts.Free();
        await CreateTrunkAsync($$"""
            {"name":"checked","channelCap":2,"dialPrefix":"73","codecs":["PCMA","telephone-event"],"callOriginHeader":"pai",
             "ruriTransform":{"strip":1,"prefix":"0044"},"auth":{"username":"dialer-user","password":"carrier-secret"},
             "servers":[{"host":"127.0.0.1","port":{{port}}}]}
            """);
        var scenario = SippScenario.Load("carrier-checks", ("user", "dialer-user"), ("password", "carrier-secret"),
            ("expectedNumber", "0044155512345"), ("callerNumber", "dialer"), ("codecs", "8"));
        await using var carrier = SippProcess.Start(scenario, ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-m", "1"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the carrier listens");
        // dialer-call insists on a 200: an unanswered call fails the test instead of passing as a refusal.
        var dialer = await SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = "731155512345" });
        var carrierOutput = await carrier.StopAsync();
        await TestContext.Out.WriteLineAsync(carrierOutput);
        Assert.That(dialer.ExitCode, Is.Zero, dialer.Output + carrierOutput);
    }

    [Test]
    public async Task OfferWithoutAnAllowedCodec_Is488()
    {
        await CreateTrunkAsync("""{"name":"g729only","channelCap":2,"dialPrefix":"74","codecs":["G729"],"servers":[{"host":"127.0.0.1","port":5999}]}""");
        var dialer = await DialAsync("745550000", calls: 1, rate: 1, holdMs: 100);
        Assert.That(dialer.Output, Does.Contain("488"));
        Assert.That((await ChannelsAsync("g729only")).GetProperty("admitted").GetInt64(), Is.Zero, "refused before a channel was taken");
    }

    [Test]
    public async Task CarrierWhose487HasOnlyTheEdgesVia_StillEndsTheDialersCallWith487()
    {
        var port = LoopbackPorts.Free();
        await CreateTrunkAsync($$"""{"name":"sloppy","channelCap":2,"dialPrefix":"77","servers":[{"host":"127.0.0.1","port":{{port}}}]}""");
        await using var carrier = await CarrierAsync("carrier-ring-sloppy", port);
        await using var dialer = new Dialer.Campaigns.Calls.SipDialer(
            new Dialer.Sip.Transport.SipEndpoint(Dialer.Sip.Transport.SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, _server.SipPort())),
            IPAddress.Loopback, TimeProvider.System);
        var result = await dialer.CallAsync(new Dialer.Campaigns.Calls.CallRequest("775550000", "none", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            CancellationToken.None);
        // Without the Via repair the 487 cannot be relayed: the dialer then gives up after its wait with no code.
        Assert.That((result.Outcome, result.Code), Is.EqualTo(("no_answer", (int?)487)), result.Reason);
        Assert.That((await ChannelsAsync("sloppy")).GetProperty("inUse").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task TwoCampaignsUnderContention_KeepTheirAllocations()
    {
        var port = LoopbackPorts.Free();
        await CreateTrunkAsync($$"""{"name":"shared","channelCap":6,"dialPrefix":"76","servers":[{"host":"127.0.0.1","port":{{port}}}]}""");
        Assert.That((await _admin.PostJsonAsync("/api/campaigns",
            """{"name":"strict","allocations":[{"trunk":"shared","reserved":2,"restriction":"MAXIMUM_LIMIT"}]}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await _admin.PostJsonAsync("/api/campaigns",
            """{"name":"flexible","allocations":[{"trunk":"shared","reserved":2,"restriction":"OVERFLOW_ALLOWED"}]}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        await using var carrier = await CarrierAsync("carrier-answer", port);
        // Both campaigns want far more than the 6 channels at the same time.
        await Task.WhenAll(DialAsync("765550001", calls: 12, rate: 12, holdMs: 1500, campaign: "strict"),
            DialAsync("765550002", calls: 12, rate: 12, holdMs: 1500, campaign: "flexible"));
        await Task.Delay(300);
        Assert.That(CarrierLog.Concurrency(carrier.LogLines()).Peak, Is.LessThanOrEqualTo(6));
        var campaigns = (await ChannelsAsync("shared")).GetProperty("campaigns").EnumerateArray()
            .ToDictionary(c => c.GetProperty("campaign").GetString()!, c => c);
        Assert.Multiple(() =>
        {
            Assert.That(campaigns["strict"].GetProperty("peak").GetInt32(), Is.EqualTo(2), "MAXIMUM_LIMIT never passes its reservation");
            Assert.That(campaigns["flexible"].GetProperty("peak").GetInt32(), Is.EqualTo(4), "OVERFLOW_ALLOWED adds the 2 unreserved channels");
            Assert.That(campaigns["strict"].GetProperty("shortage").GetInt64(), Is.GreaterThan(0));
            Assert.That(campaigns["flexible"].GetProperty("inUse").GetInt32(), Is.Zero);
        });
    }

    [Test]
    public async Task FirstServerAnswers503_TheCallCompletesOnTheSecond_OnOneChannel()
    {
        var down = LoopbackPorts.Free();
        var up = LoopbackPorts.Free();
        await CreateTrunkAsync($$"""{"name":"failover","channelCap":2,"dialPrefix":"72","servers":[{"host":"127.0.0.1","port":{{down}},"priority":1},{"host":"127.0.0.1","port":{{up}},"priority":2}]}""");
        await using var refusing = await CarrierAsync("carrier-503", down);
        await using var answering = await CarrierAsync("carrier-answer", up);
        var dialer = await DialAsync("725550000", calls: 1, rate: 1, holdMs: 200);
        Assert.That(dialer.ExitCode, Is.Zero, dialer.Output);
        Assert.That(CarrierLog.Concurrency(answering.LogLines()).Calls, Is.EqualTo(1));
        var channels = await ChannelsAsync("failover");
        Assert.That(channels.GetProperty("admitted").GetInt64(), Is.EqualTo(1), "one channel charged for both attempts");
        Assert.That(channels.GetProperty("inUse").GetInt32(), Is.Zero);
        await _server.Edge.FlushCallLogAsync(TimeSpan.FromSeconds(5));
        var log = await new Dialer.Peers.Storage.CallLogStore(_server.Database!.Database).RecentAsync("failover", 10);
        Assert.That(log, Has.Count.EqualTo(1), "one carrier-log row per call");
        var call = log[0];
        Assert.Multiple(() =>
        {
            Assert.That(call.Server, Is.EqualTo($"127.0.0.1:{up}"), "the server that carried it");
            Assert.That(call.FinalCode, Is.EqualTo(200));
            Assert.That(call.Number, Is.EqualTo("725550000"));
            Assert.That(call.Campaign, Is.EqualTo("none"));
            Assert.That(call.AnsweredAt, Is.Not.Null);
            Assert.That(call.EndedAt, Is.GreaterThanOrEqualTo(call.AnsweredAt!.Value));
            Assert.That(call.HangupSide, Is.EqualTo("dialer"));
        });
    }
}
