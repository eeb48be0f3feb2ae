using Dapper;
using Dialer.Peers.Storage;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

/// <summary>Shared dialogs on a real MariaDB: a dialog another node holds is ended once across the cluster.</summary>
public sealed class DialogStoreClusterTests
{
    private TestDatabase _db = null!;

    [SetUp]
    public async Task SetUp() => _db = await TestDatabase.CreateAsync();

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private static DialogRow Row(string id, string trunk = "carrier", bool reserved = false, string? campaign = null) => new()
    {
        Id = id,
        CallId = $"call-{id}",
        CallerTag = "t1",
        Kind = "trunk",
        Trunk = trunk,
        Campaign = campaign,
        Reserved = reserved,
        CallerSource = "udp:127.0.0.1:5000",
        CallerTarget = "udp:127.0.0.1:5000",
        Legs = "t2\tudp:127.0.0.1:6000\tudp:127.0.0.1:6000\t1\n",
        SetupAt = DateTime.UtcNow,
        ExpiresAt = DateTime.UtcNow.AddHours(1),
    };

    private async Task NodeAsync(string node, TimeSpan heartbeatAgo, int granted)
    {
        await using var connection = await _db.Database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO edge_nodes (node, started_at, heartbeat_at) VALUES (@node, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) - INTERVAL @ago SECOND)
            """, new { node, ago = heartbeatAgo.TotalSeconds });
        await connection.ExecuteAsync("INSERT INTO channel_leases (trunk, pool, node, granted, in_use) VALUES ('carrier', '', @node, @granted, @granted)",
            new { node, granted });
    }

    private async Task<int> GrantedAsync(string node)
    {
        await using var connection = await _db.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT granted FROM channel_leases WHERE node = @node", new { node });
    }

    [Test]
    public async Task TwoNodesEndingTheSameDialog_OnlyOneEndsIt_AndTheHolderHearsOfItOnce()
    {
        await NodeAsync("b", TimeSpan.Zero, granted: 3);
        var holder = new DialogStore(_db.Database, "b");
        await holder.UpsertAsync([Row("00000000000000a1")]);
        var found = await new DialogStore(_db.Database, "a").FindElsewhereAsync("00000000000000a1");
        Assert.That(found?.Node, Is.EqualTo("b"));
        Assert.That(await holder.FindElsewhereAsync("00000000000000a1"), Is.Null, "a node's own dialog is not elsewhere");

        var ended = await Task.WhenAll(
            new DialogStore(_db.Database, "a").EndElsewhereAsync(found!, byCaller: true, TimeSpan.FromSeconds(5)),
            new DialogStore(_db.Database, "c").EndElsewhereAsync(found!, byCaller: false, TimeSpan.FromSeconds(5)));
        var ends = await holder.TakeEndsAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(ended.Count(e => e), Is.EqualTo(1), "one node ended it");
            Assert.That(ends.Select(e => e.Id), Is.EqualTo(new[] { "00000000000000a1" }));
            Assert.That(await holder.TakeEndsAsync(), Is.Empty, "taken once");
            Assert.That(await holder.LoadAsync(DateTimeOffset.UtcNow), Is.Empty, "its row is gone: a restart does not bring it back");
            Assert.That(await GrantedAsync("b"), Is.EqualTo(3), "a live holder frees its channel itself");
        });
    }

    [Test]
    public async Task DeadHoldersDialog_EndedElsewhere_TakesOneChannelOffItsGrant()
    {
        await NodeAsync("b", TimeSpan.FromMinutes(1), granted: 3);
        await new DialogStore(_db.Database, "b").UpsertAsync([Row("00000000000000b1"), Row("00000000000000b2")]);
        var a = new DialogStore(_db.Database, "a");

        Assert.That(await a.EndElsewhereAsync((await a.FindElsewhereAsync("00000000000000b1"))!, byCaller: false, TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(await GrantedAsync("b"), Is.EqualTo(2), "the dead node's grant gave up the call's channel");
        Assert.That(await a.EndElsewhereAsync(Row("00000000000000b1"), byCaller: false, TimeSpan.FromSeconds(5)), Is.False, "a second BYE ends nothing");
        Assert.That(await GrantedAsync("b"), Is.EqualTo(2), "and frees nothing");
    }

    [Test]
    public async Task Addresses_AreExchanged_AndAHeartbeatDropsTheEndsOfForgottenNodes()
    {
        await NodeAsync("a", TimeSpan.Zero, granted: 0);
        await NodeAsync("b", TimeSpan.Zero, granted: 0);
        var b = new DialogStore(_db.Database, "b");
        Assert.That(await b.ExchangeAddressesAsync("127.0.0.1:5070 127.0.0.1:5071", TimeSpan.FromSeconds(5)), Is.Empty, "a has written none yet");
        Assert.That(await new DialogStore(_db.Database, "a").ExchangeAddressesAsync("127.0.0.1:5060", TimeSpan.FromSeconds(5)),
            Is.EqualTo(new[] { ("b", "127.0.0.1:5070 127.0.0.1:5071", true) }));

        await using var connection = await _db.Database.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO dialog_ends (node, id, side, ended_at) VALUES ('gone', '00000000000000c1', 'caller', UTC_TIMESTAMP(6))");
        await new LeaseStore(_db.Database, "b", new LeasePolicy(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10))).HeartbeatAsync([]);
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM dialog_ends"), Is.Zero, "no node 'gone' is left to take it");
    }
}
