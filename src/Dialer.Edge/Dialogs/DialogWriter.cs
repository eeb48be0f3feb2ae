using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Dialogs;

/// <summary>
/// Write-behind of confirmed dialogs on the one <see cref="WriteBehind{TKey, TChange}"/>: the call path only notes that a
/// dialog changed; its row is built when the batch is written, from the dialog as it is then (stored while live, deleted
/// once ended). A short call that ends before its row was written is never written at all. While the database is down
/// the dialogs wait (bounded by the live dialogs); a kill -9 loses at most the last interval's new calls.
/// </summary>
public sealed class DialogWriter
{
    private readonly WriteBehind<string, Dialog> _queue;
    private readonly Lock _gate = new();
    // Dialogs whose row may be in the database (written, or a write attempted): their end is a delete.
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);

    public DialogWriter(DialogStore store, TimeProvider time, ILogger<DialogWriter> logger, int capacity = 100_000)
    {
        ArgumentNullException.ThrowIfNull(store);
        _queue = new(new WriteBehindOptions { Name = "dialogs", Capacity = capacity, Coalesce = Coalesce }, async batch =>
        {
            var live = batch.Where(c => c.Value.State != DialogState.Terminated).ToList();
            var ended = batch.Where(c => c.Value.State == DialogState.Terminated).Select(c => c.Key).ToList();
            lock (_gate)
            {
                // Counted as stored before the write: a write cut by an outage may still have committed, so its end
                // must be deleted rather than withdrawn.
                _stored.UnionWith(live.Select(c => c.Key));
            }
            await store.UpsertAsync([.. live.Select(c => DialogRecords.ToRow(c.Value))]);
            await store.DeleteAsync(ended);
            lock (_gate)
            {
                _stored.ExceptWith(ended);
            }
        }, id => $"dialog {id}", time, logger, StringComparer.Ordinal);
    }

    /// <summary>Changes gather this long before a batch is written, so most short calls are never written.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);

    public WriteBehind<string, Dialog> Queue => _queue;

    /// <summary>Dialog changes pending or being written, not yet stored (/metrics).</summary>
    public int Depth => _queue.Depth;

    /// <summary>Changes lost (refused, queue full, unstored at stop).</summary>
    public long Dropped => _queue.Dropped;

    /// <summary>Subscribed to <see cref="DialogTable.Changed"/>: a confirmed dialog is stored, an ended one deleted.</summary>
    public void Changed(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (dialog.ConfirmedAt is null)
        {
            return; // early dialogs are never stored
        }
        if (dialog.State == DialogState.Terminated)
        {
            lock (_gate)
            {
                // Ended before its row was written (and not being written now): nothing to store, nothing to delete.
                if (!_stored.Contains(dialog.Id) && _queue.Withdraw(dialog.Id))
                {
                    return;
                }
            }
        }
        _queue.Record(dialog.Id, dialog);
    }

    public Task RunAsync(CancellationToken stoppingToken) => _queue.RunAsync(stoppingToken);

    /// <summary>Waits until every recorded change is stored (tests, shutdown).</summary>
    public Task DrainAsync(TimeSpan timeout) => _queue.DrainAsync(timeout);
}
