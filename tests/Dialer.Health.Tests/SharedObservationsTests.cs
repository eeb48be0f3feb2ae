using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Dialer.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Dialer.Health.Tests;

/// <summary>
/// Clustered nodes replay each other's observations from MariaDB. A node whose peers do not have a new trunk yet
/// (its snapshot lags the node that created it) must not lose the observations it reads meanwhile: it applies them,
/// in order, once its peers have the trunk, and names the state change after the same observation as every node.
/// </summary>
public sealed class SharedObservationsTests
{
    private static readonly TrunkServer Server = new("192.0.2.20", 5060, SipTransport.Udp, SipScheme.Sip, "", 1, 1, true);

    private static readonly Trunk Late = new("late", "", 30, 0, ["PCMU"], "7", [], null, CallOriginHeader.Pai, RuriTransform.None, "", "",
        ProbePolicy.Default, [Server], Active: true, Version: 2);

    [Test]
    public async Task ObservationsOfAServerThisNodeDoesNotHaveYet_AreAppliedOnceItsPeersHaveIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        var store = new HealthObservationStore(database.Database);
        var peers = new PeerSnapshotSource();
        peers.Publish(new PeerSnapshot(1, [], [], []));
        var board = new TrunkStatusBoard();
        using var monitor = new HealthMonitor(board, peers, TimeProvider.System, NullLogger<HealthMonitor>.Instance);
        var changes = new List<HealthEvent>();
        monitor.Changed += changes.Add;
        await using var node = new SharedObservations(monitor, board, store, new HealthSettings(), TimeProvider.System,
            NullLogger<SharedObservations>.Instance);

        // Another node probed the new trunk's server: alive.
        var key = TrunkServerKey.For(Late, Server);
        var alive = await store.AppendAsync(new HealthObservation(key, true, false, 200, 12, "200 OK") { Node = "other" });
        Assert.That(await node.PullAsync(CancellationToken.None), Is.True);
        Assert.That(changes, Is.Empty, "this node's peers do not have the trunk yet");

        peers.Publish(new PeerSnapshot(2, [], [Late], []));
        Assert.That(await node.PullAsync(CancellationToken.None), Is.True);
        Assert.That(changes.Select(c => $"{c.From}->{c.To} {c.Key}"), Is.EqualTo(new[] { $"unknown->up obs:{alive}" }),
            "the held observation is applied, and the change is named after it as on the node that saw it first");
        Assert.That(board.IsRoutable(key), Is.True);

        Assert.That(await node.PullAsync(CancellationToken.None), Is.True);
        Assert.That(changes, Has.Count.EqualTo(1), "an observation is applied once, however often it is read");
    }
}
