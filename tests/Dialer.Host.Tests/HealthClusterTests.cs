using System.Globalization;
using System.Net;
using Dialer.Peers.Storage;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Health:Clustered=true: two real `dialer serve` processes on one MariaDB share Quartz's job store, so a trunk
/// server is probed once per interval by the cluster (not once per node), and both nodes route on the same states.
/// </summary>
// Timing-sensitive or CPU-heavy: runs alone, not beside another fixture.
[NonParallelizable]
public sealed class HealthClusterTests
{
    [Test]
    public async Task TwoServeProcesses_ProbeEachServerOncePerInterval_AndBothSeeItGoDown()
    {
        await using var database = await TestDatabase.CreateAsync();
        var secretsKey = Convert.ToBase64String(TestKeys.NewKey());
        var clustered = new Dictionary<string, string>
        {
            ["Dialer__Health__Enabled"] = "true",
            ["Dialer__Health__Clustered"] = "true",
            ["Dialer__Health__ReportIntervalSeconds"] = "2",
        };
        var port = LoopbackPorts.Free();
        var carrier = SippProcess.Start(SippScenario.Load("carrier-alive", ("delay", "1")),
            ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-trace_logs"]);
        await using var stopCarrier = carrier;
        await using var first = ServeProcess.Start(database.ConnectionString, secretsKey, clustered);
        // The second node's peers lag the first's by seconds, so it reads the first probes of the new trunk before it
        // has the trunk: it must apply them once it has, in order, and name the state changes as the first node does.
        await using var second = ServeProcess.Start(database.ConnectionString, secretsKey,
            new Dictionary<string, string>(clustered) { ["Dialer__Edge__SnapshotPollMs"] = "3000" });
        Assert.That(await first.WaitHealthyAsync() && await second.WaitHealthyAsync(), Is.True, "both nodes serve");
        using var admin1 = first.Client();
        using var admin2 = second.Client();

        var created = await admin1.PostJsonAsync("/api/trunks", $$"""
            {"name":"cl","channelCap":5,"dialPrefix":"85",
             "probe":{"intervalSeconds":1,"timeoutMs":400,"failThreshold":2,"recoverThreshold":2,"aliveCodes":"200-499"},
             "servers":[{"host":"127.0.0.1","port":{{port}}}]}
            """);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await WaitForStateAsync(admin1, port, "up", TimeSpan.FromSeconds(10));
        await WaitForStateAsync(admin2, port, "up", TimeSpan.FromSeconds(8));

        // Once per second by the cluster: about 6 probes in 6 s; two nodes probing on their own would make about 12.
        // Bounded by the time that really passed, so a slow machine's late firings are not taken for a fault.
        int Probes() => carrier.LogLines().Count(l => l.StartsWith("OPTIONS ", StringComparison.Ordinal));
        var before = Probes();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(6));
        var probes = Probes() - before;
        var most = (int)watch.Elapsed.TotalSeconds + 2;
        Assert.That(probes, Is.InRange(2, most), $"OPTIONS the carrier received in {watch.Elapsed.TotalSeconds:0.0} s from two clustered nodes");

        await carrier.StopAsync();
        await WaitForStateAsync(admin1, port, "down", TimeSpan.FromSeconds(6));
        await WaitForStateAsync(admin2, port, "down", TimeSpan.FromSeconds(3));
        // Each node stores the changes it saw from its own queue: wait for the down, then give the other node's copy
        // time to land (or, rightly, not).
        var store = new HealthStore(database.Database);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!(await store.EventsAsync("cl", null, 20)).Any(e => e.To == "down") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        var events = await store.EventsAsync("cl", null, 20);
        Assert.That(events.Select(e => $"{e.From}->{e.To}"), Is.EqualTo(new[] { "up->down", "unknown->up" }),
            "each state change stored once, though both nodes saw it");
    }

    private static async Task WaitForStateAsync(HttpClient admin, int port, string state, TimeSpan within)
    {
        var wanted = $"dialer_trunk_server_state{{trunk=\"cl\",server=\"127.0.0.1:{port}\",state=\"{state}\"}} 1";
        var deadline = DateTime.UtcNow + within;
        var metrics = "";
        while (DateTime.UtcNow < deadline)
        {
            metrics = await (await admin.GetAsync(new Uri("/metrics", UriKind.Relative))).Content.ReadAsStringAsync();
            if (metrics.Contains(wanted, StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{admin.BaseAddress} never showed {wanted}:\n{string.Join('\n', metrics.Split('\n').Where(l => l.Contains("trunk=\"cl\"", StringComparison.Ordinal)))}");
    }
}
