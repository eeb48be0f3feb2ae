using Dapper;
using Dialer.Peers.Storage;
using Dialer.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

/// <summary>
/// The one write-behind queue against a real MariaDB table: latest change per key, one transaction per batch, a row the
/// database refuses dropped alone (the others stored exactly once), an outage waited out, the bound, the flush at stop.
/// </summary>
public sealed class WriteBehindTests
{
    private TestDatabase _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync(migrate: false);
        await using var connection = await _db.Database.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE wb (id VARCHAR(8) PRIMARY KEY, v INT NOT NULL, writes INT NOT NULL DEFAULT 1)");
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [SetUp]
    public async Task Empty()
    {
        await using var connection = await _db.Database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM wb");
    }

    private static readonly WriteBehindOptions Fast = new()
    {
        Name = "test",
        Coalesce = TimeSpan.FromMilliseconds(10),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        BatchSize = 4,
    };

    /// <summary>One multi-row upsert per batch; `writes` counts how often a row was written.</summary>
    private async Task StoreAsync(IReadOnlyList<KeyValuePair<string, int>> batch)
    {
        await using var connection = await _db.Database.OpenAsync();
        var values = string.Join(", ", batch.Select((_, i) => $"(@id{i}, @v{i})"));
        var parameters = new DynamicParameters();
        for (var i = 0; i < batch.Count; i++)
        {
            parameters.Add($"id{i}", batch[i].Key);
            parameters.Add($"v{i}", batch[i].Value);
        }
        await connection.ExecuteAsync($"INSERT INTO wb (id, v) VALUES {values} ON DUPLICATE KEY UPDATE v = VALUES(v), writes = writes + 1", parameters);
    }

    private async Task<Dictionary<string, (int V, int Writes)>> RowsAsync()
    {
        await using var connection = await _db.Database.OpenAsync();
        return (await connection.QueryAsync<(string Id, int V, int Writes)>("SELECT id, v, writes FROM wb")).ToDictionary(r => r.Id, r => (r.V, r.Writes));
    }

    private WriteBehind<string, int> Queue(WriteBehindOptions? options = null, Func<IReadOnlyList<KeyValuePair<string, int>>, Task>? store = null) =>
        new(options ?? Fast, store ?? StoreAsync, key => $"row {key}", TimeProvider.System, NullLogger.Instance);

    [Test]
    public async Task LatestChangePerKeyIsStored_Once()
    {
        var queue = Queue();
        queue.Record("a", 1);
        queue.Record("a", 2);
        queue.Record("b", 5);
        using var stop = new CancellationTokenSource();
        var loop = queue.RunAsync(stop.Token);
        await queue.DrainAsync(TimeSpan.FromSeconds(10));
        var rows = await RowsAsync();
        Assert.That(rows, Is.EquivalentTo(new Dictionary<string, (int, int)> { ["a"] = (2, 1), ["b"] = (5, 1) }));
        Assert.That((queue.Depth, queue.Stored, queue.Dropped), Is.EqualTo((0, 2L, 0L)));
        await stop.CancelAsync();
        await loop;
    }

    [Test]
    public async Task ARowTheDatabaseRefuses_IsDroppedAlone_TheOthersStoredExactlyOnce()
    {
        var queue = Queue();
        for (var i = 0; i < 9; i++)
        {
            queue.Record($"r{i}", i);
        }
        queue.Record("far-too-long-for-the-column", 99); // VARCHAR(8): refused in strict mode, and fails its batch of 4
        using var stop = new CancellationTokenSource();
        var loop = queue.RunAsync(stop.Token);
        await queue.DrainAsync(TimeSpan.FromSeconds(10));
        var rows = await RowsAsync();
        Assert.That(rows.Keys, Is.EquivalentTo(Enumerable.Range(0, 9).Select(i => $"r{i}")), "every other row stored");
        Assert.That(rows.Values.Select(r => r.Writes), Is.All.EqualTo(1), "none written twice");
        Assert.That((queue.Depth, queue.Dropped, queue.Refused), Is.EqualTo((0, 1L, 1L)), "the refused row is dropped, not retried");

        queue.Record("r0", 100);
        await queue.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.That((await RowsAsync())["r0"], Is.EqualTo((100, 2)), "the queue goes on after the refusal");
        await stop.CancelAsync();
        await loop;
    }

    [Test]
    public async Task WhileTheDatabaseIsUnavailable_ChangesWait_AndAreStoredWhenItReturns()
    {
        var failures = 3;
        var attempts = 0;
        var queue = Queue(store: async batch =>
        {
            Interlocked.Increment(ref attempts);
            if (Interlocked.Decrement(ref failures) >= 0)
            {
                throw new TimeoutException("database unreachable");
            }
            await StoreAsync(batch);
        });
        queue.Record("x", 1);
        using var stop = new CancellationTokenSource();
        var loop = queue.RunAsync(stop.Token);
        await Task.Delay(30);
        queue.Record("x", 2); // newer than the change that is failing: it wins
        queue.Record("y", 3);
        await queue.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.That(attempts, Is.GreaterThanOrEqualTo(4), "retried after each failure");
        Assert.That(await RowsAsync(), Is.EquivalentTo(new Dictionary<string, (int, int)> { ["x"] = (2, 1), ["y"] = (3, 1) }));
        Assert.That(queue.Dropped, Is.Zero, "an outage loses nothing");
        await stop.CancelAsync();
        await loop;
    }

    [Test]
    public async Task PastItsBound_NewKeysAreDroppedAndCounted_ExistingKeysStillUpdate()
    {
        var queue = Queue(Fast with { Capacity = 3 });
        Assert.That(new[] { "a", "b", "c", "d", "e" }.Select(k => queue.Record(k, 1)), Is.EqualTo(new[] { true, true, true, false, false }));
        Assert.That(queue.Record("a", 7), Is.True, "a pending key is updated in place");
        Assert.That((queue.Depth, queue.Dropped), Is.EqualTo((3, 2L)));
        using var stop = new CancellationTokenSource();
        var loop = queue.RunAsync(stop.Token);
        await queue.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.That((await RowsAsync()).ToDictionary(r => r.Key, r => r.Value.V), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 7, ["b"] = 1, ["c"] = 1 }));
        await stop.CancelAsync();
        await loop;
    }

    [Test]
    public async Task Withdraw_TakesBackAPendingChange()
    {
        var queue = Queue();
        queue.Record("gone", 1);
        queue.Record("kept", 2);
        Assert.That(queue.Withdraw("gone"), Is.True);
        Assert.That(queue.Withdraw("never"), Is.False);
        using var stop = new CancellationTokenSource();
        var loop = queue.RunAsync(stop.Token);
        await queue.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.That((await RowsAsync()).Keys, Is.EquivalentTo(new[] { "kept" }));
        await stop.CancelAsync();
        await loop;
    }

    [Test]
    public async Task Stopping_WritesWhatIsPending()
    {
        var queue = Queue(Fast with { Coalesce = TimeSpan.FromMinutes(1) });
        using var stop = new CancellationTokenSource();
        var loop = queue.RunAsync(stop.Token);
        queue.Record("last", 1);
        await Task.Delay(20);
        await stop.CancelAsync();
        await loop;
        Assert.That((await RowsAsync()).Keys, Is.EquivalentTo(new[] { "last" }), "flushed at stop, not after the coalescing delay");
        Assert.That(queue.Dropped, Is.Zero);
    }
}
