using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Location;

/// <summary>
/// Write-behind of binding changes on the one <see cref="WriteBehind{TKey, TChange}"/>: the registrar answers at once,
/// the latest state of each binding (stored, or gone) is written in batches. While the database is down the changes
/// wait and are written when it returns.
/// </summary>
public sealed class BindingWriter
{
    private readonly WriteBehind<(string Extension, string Contact), Binding?> _queue;
    private readonly TimeProvider _time;
    private readonly bool _tombstones;

    /// <summary>
    /// Clustered (<paramref name="tombstones"/>): a removed binding is written as expired now, not deleted, so the other
    /// nodes reading changed rows see it go (<see cref="LocationSync"/>); rows expired a while ago are purged at start.
    /// </summary>
    public BindingWriter(BindingStore store, TimeProvider time, ILogger<BindingWriter> logger, int capacity = 100_000, bool tombstones = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        _time = time;
        _tombstones = tombstones;
        _queue = new(new WriteBehindOptions { Name = "bindings", Capacity = capacity }, async batch =>
        {
            await store.UpsertAsync([.. batch.Select(c => c.Value).OfType<Binding>()]);
            await store.DeleteAsync([.. batch.Where(c => c.Value is null).Select(c => c.Key)]);
        }, key => $"binding of phone {key.Extension}", time, logger);
    }

    public WriteBehind<(string Extension, string Contact), Binding?> Queue => _queue;

    /// <summary>Binding changes pending or being written, not yet stored (/metrics).</summary>
    public long Depth => _queue.Depth;

    /// <summary>Changes lost (refused, queue full, unstored at stop).</summary>
    public long Dropped => _queue.Dropped;

    public void Changed(IReadOnlyList<Binding> before, IReadOnlyList<Binding> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        foreach (var removed in before.Where(b => !after.Any(a => a.Contact == b.Contact)))
        {
            _queue.Record((removed.Extension, removed.Contact), _tombstones ? removed with { ExpiresAt = _time.GetUtcNow() } : null);
        }
        foreach (var binding in after.Where(a => !before.Contains(a)))
        {
            _queue.Record((binding.Extension, binding.Contact), binding);
        }
    }

    public Task RunAsync(CancellationToken stoppingToken) => _queue.RunAsync(stoppingToken);

    /// <summary>Waits until everything queued so far is stored (tests and shutdown).</summary>
    public Task DrainAsync(TimeSpan timeout) => _queue.DrainAsync(timeout);
}
