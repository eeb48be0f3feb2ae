using System.Globalization;
using System.Net;
using System.Text.Json;
using Dialer.Peers.Health;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Trunk health end to end: SIPp carrier servers answering OPTIONS are stopped and restarted, the probe jobs drive
/// up → down → up at the trunk's exact thresholds, reports and events land in MariaDB, and the router follows.
/// </summary>
// Timing-sensitive or CPU-heavy: runs alone, not beside another fixture.
[NonParallelizable]
public sealed class HealthTests
{
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Health:Enabled"] = "true",
            ["Dialer:Health:ReportIntervalSeconds"] = "2",
        });
        _admin = _server.Client();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private static SippProcess Carrier(int port, int delayMs = 1) =>
        SippProcess.Start(SippScenario.Load("carrier-alive", ("delay", delayMs.ToString(CultureInfo.InvariantCulture))),
            ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-trace_logs"]);

    private async Task CreateTrunkAsync(string name, string prefix, int lagMs, params int[] ports)
    {
        var servers = string.Join(',', ports.Select((port, i) => $$"""{"host":"127.0.0.1","port":{{port}},"priority":{{i + 1}}}"""));
        var created = await _admin.PostJsonAsync("/api/trunks", $$"""
            {"name":"{{name}}","channelCap":5,"dialPrefix":"{{prefix}}",
             "probe":{"intervalSeconds":1,"timeoutMs":400,"failThreshold":2,"recoverThreshold":2,"lagMs":{{lagMs}},"aliveCodes":"200-499"},
             "servers":[{{servers}}]}
            """);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
    }

    /// <returns>The trunk's report, or null while the edge's snapshot does not have the new trunk yet.</returns>
    private async Task<JsonElement?> HealthAsync(string trunk)
    {
        var all = await (await _admin.GetAsync(new Uri($"/api/health?trunk={trunk}", UriKind.Relative))).JsonAsync();
        return all.GetArrayLength() == 0 ? null : all[0];
    }

    private static string[] States(JsonElement report) =>
        [.. report.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("state").GetString()!)];

    /// <summary>Polls /api/health until the servers' states are <paramref name="expected"/>; returns that report.</summary>
    private async Task<JsonElement> WaitForStatesAsync(string trunk, TimeSpan within, params string[] expected)
    {
        var deadline = DateTime.UtcNow + within;
        JsonElement? report;
        do
        {
            report = await HealthAsync(trunk);
            if (report is { } found && States(found).SequenceEqual(expected))
            {
                return found;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"wanted states {string.Join(',', expected)}, got: {report}");
        return default;
    }

    /// <summary>The trunk's stored state changes, newest first, once <paramref name="ready"/> holds (they are written behind the monitor), or after 5 s.</summary>
    private async Task<IReadOnlyList<HealthEvent>> StoredEventsAsync(string trunk, Func<IReadOnlyList<HealthEvent>, bool> ready)
    {
        var store = new Dialer.Peers.Storage.HealthStore(_server.Database!.Database);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var events = await store.EventsAsync(trunk, null, 10);
        while (!(events.Count > 0 && ready(events)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            events = await store.EventsAsync(trunk, null, 10);
        }
        return events;
    }

    [Test]
    public async Task StoppedServer_GoesDownAtTheThreshold_CallsGoToTheOther_AndItComesBackAfterRecovering()
    {
        var first = LoopbackPorts.Free();
        var second = LoopbackPorts.Free();
        await using var primary = Carrier(first);
        await using var backup = Carrier(second);
        await CreateTrunkAsync("hc", "81", lagMs: 0, first, second);
        var healthy = await WaitForStatesAsync("hc", TimeSpan.FromSeconds(5), "up", "up");
        Assert.That(healthy.GetProperty("label").GetString(), Is.EqualTo("healthy"));

        await primary.StopAsync();
        var stopped = DateTime.UtcNow;
        // failThreshold 2 x interval 1 s + timeout 0.4 s, with slack for a loaded scheduler. Two timeouts are at least
        // 0.8 s after the stop: a probe sent just before it times out at 0.4 s, and probes of a trunk do not overlap.
        var degraded = await WaitForStatesAsync("hc", TimeSpan.FromSeconds(8), "down", "up");
        Assert.Multiple(() =>
        {
            Assert.That(DateTime.UtcNow - stopped, Is.GreaterThan(TimeSpan.FromSeconds(0.7)), "not before the second failure");
            Assert.That(degraded.GetProperty("label").GetString(), Is.EqualTo("degraded"));
            Assert.That(degraded.GetProperty("reason").GetString(), Is.EqualTo($"1 of 2 servers down: 127.0.0.1:{first} timeout x2"));
        });

        // The router skips the down server: the call goes to the backup at once (no failover attempt on the primary).
        await RunDialerAsync("815550000");
        Assert.That(backup.LogLines().Count(l => l.StartsWith("IN ", StringComparison.Ordinal)), Is.EqualTo(1));

        var events = await StoredEventsAsync("hc", e => e.Any(c => c.To == "down"));
        Assert.That(events.Select(e => $"{e.Server} {e.From}->{e.To} {e.Cause}"), Does.Contain($"127.0.0.1:{first} up->down timeout x2"));
        var metrics = await (await _admin.GetAsync(new Uri("/metrics", UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.That(metrics, Does.Contain($"dialer_trunk_server_state{{trunk=\"hc\",server=\"127.0.0.1:{first}\",state=\"down\"}} 1"));

        await using var restarted = Carrier(first);
        await WaitForStatesAsync("hc", TimeSpan.FromSeconds(5), "up", "up");
        events = await StoredEventsAsync("hc", e => e[0].To == "up");
        Assert.That(events[0].To, Is.EqualTo("up"), "down -> up after recoverThreshold alive answers");
        Assert.That(events[0].From, Is.EqualTo("down"));
    }

    [Test]
    public async Task EveryServerDown_TrunkIsLabeledDown_AndTheEdgeAnswers503NamingTheReason()
    {
        await CreateTrunkAsync("dead", "82", lagMs: 0, LoopbackPorts.Free(), LoopbackPorts.Free());
        var report = await WaitForStatesAsync("dead", TimeSpan.FromSeconds(5), "down", "down");
        Assert.That(report.GetProperty("label").GetString(), Is.EqualTo("down"));
        Assert.That(report.GetProperty("reason").GetString(), Does.StartWith("all 2 servers down: "));
        var answer = await SipProbe.InviteFinalAsync(_server.SipPort(), "825550000");
        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.StartWith("SIP/2.0 503 "));
            Assert.That(answer, Does.Contain("Retry-After:"));
            Assert.That(answer, Does.Contain("text=\"no healthy server\""));
        });
        var channels = await (await _admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync();
        var dead = channels.EnumerateArray().Single(t => t.GetProperty("trunk").GetString() == "dead");
        Assert.That(dead.GetProperty("rejected").GetProperty("noServer").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task SlowServer_IsLagged_AndStillCarriesCalls()
    {
        var port = LoopbackPorts.Free();
        await using var slow = Carrier(port, delayMs: 250);
        await CreateTrunkAsync("slow", "83", lagMs: 100, port);
        var report = await WaitForStatesAsync("slow", TimeSpan.FromSeconds(5), "lagged");
        var server = report.GetProperty("servers")[0];
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("label").GetString(), Is.EqualTo("degraded"));
            Assert.That(server.GetProperty("rttMs").GetDouble(), Is.GreaterThan(100));
            Assert.That(server.GetProperty("cause").GetString(), Does.Match(@"^rtt \d+ ms > 100 ms$"));
        });
    }

    [Test]
    public async Task ReportJob_StoresAReportPerTrunk_InTheHistory()
    {
        var port = LoopbackPorts.Free();
        await using var carrier = Carrier(port);
        await CreateTrunkAsync("hist", "84", lagMs: 0, port);
        await WaitForStatesAsync("hist", TimeSpan.FromSeconds(5), "up");
        await Task.Delay(2500);
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture));
        var history = await (await _admin.GetAsync(new Uri($"/api/health/history?trunk=hist&since={since}", UriKind.Relative))).JsonAsync();
        var healthy = history.EnumerateArray().First(r => r.GetProperty("label").GetString() == "healthy");
        var server = healthy.GetProperty("servers")[0];
        Assert.Multiple(() =>
        {
            Assert.That(healthy.GetProperty("trunk").GetString(), Is.EqualTo("hist"));
            Assert.That(healthy.GetProperty("reason").GetString(), Is.EqualTo("the server is up"));
            Assert.That(healthy.GetProperty("windowSeconds").GetInt32(), Is.EqualTo(2));
            Assert.That(healthy.GetProperty("channels").GetProperty("cap").GetInt32(), Is.EqualTo(5));
            Assert.That(server.GetProperty("port").GetInt32(), Is.EqualTo(port));
            Assert.That(server.GetProperty("state").GetString(), Is.EqualTo("up"));
            Assert.That(server.GetProperty("availability").GetDouble(), Is.EqualTo(100));
            Assert.That(server.GetProperty("probes").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(server.GetProperty("rttP95Ms").GetDouble(), Is.GreaterThanOrEqualTo(server.GetProperty("rttP50Ms").GetDouble()));
        });
        var bad = await _admin.GetAsync(new Uri("/api/health/history?since=yesterday", UriKind.Relative));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.ErrorFieldsAsync(), Does.Contain("since"));
    }

    private async Task RunDialerAsync(string number)
    {
        var scenario = SippScenario.Load("dialer-load", ("extension", number), ("hold", "100"), ("campaign", "none"));
        var file = Path.Combine(Path.GetTempPath(), $"dialer-health-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, scenario);
        var result = await Sipp.RunAsync(["-sf", file, "-i", "127.0.0.1", "-p", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "-t", "u1",
            "-m", "1", $"127.0.0.1:{_server.SipPort()}"], TimeSpan.FromSeconds(20));
        File.Delete(file);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }
}
