using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Dialer.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using NUnit.Framework;

namespace Dialer.Health.Tests;

/// <summary>
/// The report job against a real MariaDB reached through a relay the test cuts: during the outage reports fail
/// visibly while probes still move the status board; when the database returns the job recovers by itself and the
/// state change it could not store is stored.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Test]
    public async Task ReportJob_FailsVisiblyDuringAnOutage_KeepsRouting_AndRecoversByItself()
    {
        await using var database = await TestDatabase.CreateAsync();
        var direct = new MySqlConnectionStringBuilder(database.ConnectionString);
        await using var relay = TcpRelay.Start(direct.Server, (int)direct.Port);
        var relayed = new MySqlConnectionStringBuilder(database.ConnectionString)
        {
            Server = "127.0.0.1",
            Port = (uint)relay.Port,
            ConnectionTimeout = 2,
            Pooling = false,
        };
        var store = new HealthStore(new PeerDatabase(relayed.ConnectionString));
        var server = new TrunkServer("192.0.2.10", 5060, SipTransport.Udp, SipScheme.Sip, "", 1, 1, true);
        var trunk = new Trunk("outage", "", 30, 0, ["PCMU"], "9", [], null, CallOriginHeader.Pai, RuriTransform.None, "", "",
            ProbePolicy.Default with { FailThreshold = 2 }, [server], Active: true, Version: 1);
        var peers = new PeerSnapshotSource();
        peers.Publish(new PeerSnapshot(1, [], [trunk], []));
        var board = new TrunkStatusBoard();
        using var monitor = new HealthMonitor(board, peers, TimeProvider.System, NullLogger<HealthMonitor>.Instance);
        var settings = new HealthSettings { ReportIntervalSeconds = 60, DatabaseBreak = TimeSpan.FromSeconds(1) };
        await using var recorder = new HealthRecorder(new HealthReporter(monitor, null, TimeProvider.System), store, monitor, peers, settings,
            TimeProvider.System, NullLogger<HealthRecorder>.Instance);
        recorder.Start();
        Assert.That(await recorder.ReportAllAsync(CancellationToken.None), Is.True, "reports stored while the database is up");

        relay.Cut();
        monitor.Observe(trunk, server, ProbeOutcome.Timeout);
        monitor.Observe(trunk, server, ProbeOutcome.Timeout);
        var key = TrunkServerKey.For(trunk, server);
        Assert.That(board.IsRoutable(key), Is.False, "probes still move the board during the outage: the router skips the server");
        Assert.That(await recorder.ReportAllAsync(CancellationToken.None), Is.False, "the report job fails visibly");
        Assert.That(recorder.Failures, Is.GreaterThanOrEqualTo(1));

        relay.Restore();
        var recovered = false;
        for (var i = 0; i < 50 && !recovered; i++)
        {
            await Task.Delay(200);
            recovered = await recorder.ReportAllAsync(CancellationToken.None);
        }
        Assert.That(recovered, Is.True, "the report job recovers by itself once the breaker lets calls through");
        var directStore = new HealthStore(database.Database);
        var latest = await directStore.LatestAsync("outage");
        Assert.That(latest.Single().Label, Is.EqualTo("down"));
        IReadOnlyList<HealthEvent> events = [];
        for (var i = 0; i < 50 && events.Count == 0; i++)
        {
            await Task.Delay(200);
            events = await directStore.EventsAsync("outage", null, 10);
        }
        Assert.That(events.Select(e => $"{e.From}->{e.To} {e.Cause}"), Does.Contain("unknown->down timeout x2"),
            "the state change queued during the outage is stored afterwards");
    }
}
