using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Dialogs;

/// <summary>
/// Write-behind of confirmed dialogs: the call path only records the latest state per dialog (stored or gone); this
/// loop writes them in batches. While the database is down the latest states wait and are written when it returns, so
/// the pending set is bounded by the live dialogs.
/// </summary>
public sealed partial class DialogWriter(DialogStore store, TimeProvider time, ILogger<DialogWriter> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DialogRow?> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);

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
            _pending[dialog.Id] = row;
        }
        _signal.Release();
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(stoppingToken);
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
                _signal.Release();
            }
        }
        await FlushAsync();
    }

    /// <summary>Waits until every recorded change is stored (tests, shutdown).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (time.GetUtcNow() < deadline)
        {
            lock (_gate)
            {
                if (_pending.Count == 0 && _writing == 0)
                {
                    return;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        }
    }

    private int _writing;

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
            _writing = batch.Count;
        }
        try
        {
            await store.UpsertAsync([.. batch.Where(p => p.Value is not null).Select(p => p.Value!)]);
            await store.DeleteAsync([.. batch.Where(p => p.Value is null).Select(p => p.Key)]);
            return true;
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
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
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _writing = 0;
            }
        }
    }

    public void Dispose() => _signal.Dispose();

    [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "Could not store {Count} dialog changes, retrying: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);
}
