using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Dialogs;

/// <summary>
/// Write-behind of confirmed dialogs: the call path only records the latest state per dialog (stored or gone); this
/// loop writes them in batches, at most every <see cref="Coalesce"/>, so a short call that ends before its row was
/// written is never written at all. While the database is down the latest states wait and are written when it
/// returns, so the pending set is bounded by the live dialogs. A kill -9 loses at most the last interval's new calls.
/// </summary>
public sealed partial class DialogWriter(DialogStore store, TimeProvider time, ILogger<DialogWriter> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DialogRow?> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _writing = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private long _dropped;

    /// <summary>Dialog changes pending or being written, not yet stored (/metrics).</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _writing.Count;
            }
        }
    }

    /// <summary>Changes still unstored when the writer stopped (lost); while running it retries until stored.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>How long changes gather before a batch is written.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);

    /// <summary>Subscribed to <see cref="DialogTable.Changed"/>: a confirmed dialog is stored, an ended one deleted.</summary>
    public void Changed(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (dialog.ConfirmedAt is null)
        {
            return; // early dialogs are never stored
        }
        var row = dialog.State == DialogState.Terminated ? null : DialogRecords.ToRow(dialog);
        lock (_gate)
        {
            if (row is null && !_stored.Contains(dialog.Id) && !_writing.Contains(dialog.Id))
            {
                // Ended before its row was written: nothing to store, nothing to delete.
                _pending.Remove(dialog.Id);
                return;
            }
            _pending[dialog.Id] = row;
        }
        Signal();
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(stoppingToken);
                await Task.Delay(Coalesce, time, stoppingToken);
                Volatile.Write(ref _signalled, 0);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (!await FlushAsync())
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                Signal();
            }
        }
        await FlushAsync();
        Interlocked.Add(ref _dropped, Depth);
    }

    /// <summary>Waits until every recorded change is stored (tests, shutdown).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (time.GetUtcNow() < deadline)
        {
            lock (_gate)
            {
                if (_pending.Count == 0 && _writing.Count == 0)
                {
                    return;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        }
    }

    private async Task<bool> FlushAsync()
    {
        List<KeyValuePair<string, DialogRow?>> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return true;
            }
            batch = [.. _pending];
            _pending.Clear();
            _writing.UnionWith(batch.Select(p => p.Key));
        }
        try
        {
            await store.UpsertAsync([.. batch.Where(p => p.Value is not null).Select(p => p.Value!)]);
            await store.DeleteAsync([.. batch.Where(p => p.Value is null).Select(p => p.Key)]);
            lock (_gate)
            {
                foreach (var (id, row) in batch)
                {
                    if (row is null)
                    {
                        _stored.Remove(id);
                    }
                    else
                    {
                        _stored.Add(id);
                    }
                }
            }
            return true;
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error) && !DatabaseErrors.IsUnavailable(error))
        {
            try
            {
                Interlocked.Add(ref _dropped, await RowByRow.StoreAsync([.. batch.Where(p => p.Value is not null).Select(p => p.Value!)], rows => store.UpsertAsync(rows),
                    (row, refused) => LogDropped(logger, row.Id, refused.Message)));
                await store.DeleteAsync([.. batch.Where(p => p.Value is null).Select(p => p.Key)]);
                return true;
            }
            catch (Exception again) when (DatabaseErrors.IsFailure(again))
            {
                Requeue(batch, again);
                return false;
            }
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            Requeue(batch, error);
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _writing.Clear();
            }
        }
    }

    private int _signalled;

    /// <summary>Wakes the loop once however many changes arrive before it runs (the semaphore never counts up without bound).</summary>
    private void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (ObjectDisposedException)
            {
                // A call ended (a timer fired) after the edge stopped: nothing is written any more.
            }
        }
    }

    private void Requeue(List<KeyValuePair<string, DialogRow?>> batch, Exception error)
    {
        LogWriteFailed(logger, batch.Count, error.Message);
        lock (_gate)
        {
            // A newer state recorded meanwhile wins over the one that failed.
            foreach (var (id, row) in batch)
            {
                _pending.TryAdd(id, row);
            }
        }
    }

    public void Dispose() => _signal.Dispose();

    [LoggerMessage(EventId = 2603, Level = LogLevel.Error, Message = "Dialog {Id} refused by the database and dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "Could not store {Count} dialog changes, retrying: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);
}
