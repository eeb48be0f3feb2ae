using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Dialer.Peers.Storage;

/// <summary>How one write-behind queue batches, bounds and retries (one per stored kind: bindings, dialogs, call log, health).</summary>
public sealed record WriteBehindOptions
{
    /// <summary>The queue's name in logs and /metrics.</summary>
    public required string Name { get; init; }

    /// <summary>Keys pending at most; a change for a new key past it is dropped and counted (an existing key is always updated).</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Rows per database call (one statement, one transaction).</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>How long changes gather after the first before they are written: fewer, larger transactions.</summary>
    public TimeSpan Coalesce { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Wait after the database was unavailable before the next attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The one write-behind queue (docs/architecture.md "Write-behind"): the call path records a change per key and never
/// waits; one loop writes what gathered in batches. The latest change per key wins, so the pending set is bounded by the
/// keys (and by <see cref="WriteBehindOptions.Capacity"/>). While the database is unavailable the changes wait and are
/// written when it returns; a batch the database refuses for its data is stored row by row and a row refused alone is
/// logged and dropped — never retried forever, never holding up the rows behind it, never stored twice (stores upsert).
/// On stop, one last attempt; what is still unstored then is counted as dropped.
/// </summary>
/// <param name="options">Name, bound, batch size, coalescing and retry delay.</param>
/// <param name="store">Writes a batch in one transaction; throws on failure.</param>
/// <param name="describe">Names a key in the log line of a dropped row.</param>
/// <param name="time">The clock of the coalescing and retry delays.</param>
/// <param name="logger">Where unavailability, refused rows and a full queue are reported.</param>
/// <param name="keys">How keys compare (default: their own equality).</param>
/// <param name="isOutage">Errors meaning "unavailable, try again later" (default <see cref="DatabaseErrors.IsUnavailable"/>); any other error refuses the batch.</param>
public sealed class WriteBehind<TKey, TChange>(WriteBehindOptions options, Func<IReadOnlyList<KeyValuePair<TKey, TChange>>, Task> store,
    Func<TKey, string> describe, TimeProvider time, ILogger logger, IEqualityComparer<TKey>? keys = null, Func<Exception, bool>? isOutage = null)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private Dictionary<TKey, TChange> _pending = new(keys);
    private int _writing;
    // One pending wake-up at most, however many changes arrive before the loop runs.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly Func<Exception, bool> _isOutage = isOutage ?? DatabaseErrors.IsUnavailable;
    private long _dropped;
    private long _refused;
    private long _stored;

    public string Name => options.Name;

    /// <summary>Changes pending or being written, not yet stored (/metrics).</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _writing;
            }
        }
    }

    /// <summary>Changes lost: refused by the database, refused because the queue was full, or unstored at stop (/metrics).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Of <see cref="Dropped"/>, rows the database refused.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Changes stored since start.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Records the latest change for <paramref name="key"/>.</summary>
    /// <returns>False when the queue is full and the key new: the change is dropped (counted, logged once per stretch).</returns>
    public bool Record(TKey key, TChange change)
    {
        lock (_gate)
        {
            if (_pending.Count >= options.Capacity && !_pending.ContainsKey(key))
            {
                if (Interlocked.Increment(ref _dropped) is var dropped && (dropped & (dropped - 1)) == 0)
                {
                    // Logged at the 1st, 2nd, 4th, 8th ... drop: visible without a line per change.
                    WriteBehindLog.Full(logger, options.Name, options.Capacity, dropped);
                }
                return false;
            }
            _pending[key] = change;
        }
        Signal();
        return true;
    }

    /// <summary>Takes back a change not yet being written.</summary>
    /// <returns>True when it was pending (and now will not be written); false when there was none or it is being written.</returns>
    public bool Withdraw(TKey key)
    {
        lock (_gate)
        {
            return _pending.Remove(key);
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.Reader.ReadAsync(stoppingToken);
                await Task.Delay(options.Coalesce, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (!await FlushAsync())
            {
                try
                {
                    await Task.Delay(options.RetryDelay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            lock (_gate)
            {
                if (_pending.Count > 0)
                {
                    Signal();
                }
            }
        }
        await FlushAsync();
        Interlocked.Add(ref _dropped, Depth);
    }

    /// <summary>Waits until every change recorded so far is stored (tests, shutdown).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (Depth > 0 && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        }
    }

    /// <summary>Writes everything pending, a batch at a time.</summary>
    /// <returns>False when the database was unavailable: the unwritten changes are pending again.</returns>
    private async Task<bool> FlushAsync()
    {
        Dictionary<TKey, TChange> taken;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return true;
            }
            taken = _pending;
            _pending = new Dictionary<TKey, TChange>(keys);
            _writing = taken.Count;
        }
        var all = taken.ToList();
        var done = 0;
        try
        {
            for (; done < all.Count; done += options.BatchSize)
            {
                var batch = all.GetRange(done, Math.Min(options.BatchSize, all.Count - done));
                await StoreAsync(batch);
                lock (_gate)
                {
                    _writing -= batch.Count;
                }
            }
            return true;
        }
        catch (Exception error) when (_isOutage(error))
        {
            WriteBehindLog.Unavailable(logger, options.Name, all.Count - done, error.Message);
            lock (_gate)
            {
                // A newer change recorded meanwhile wins over the one that could not be written.
                for (var i = done; i < all.Count; i++)
                {
                    if (_pending.Count < options.Capacity || _pending.ContainsKey(all[i].Key))
                    {
                        _pending.TryAdd(all[i].Key, all[i].Value);
                    }
                    else
                    {
                        Interlocked.Increment(ref _dropped);
                    }
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

    /// <summary>One batch; refused for its data, each row alone, and a row refused alone is dropped.</summary>
    private async Task StoreAsync(List<KeyValuePair<TKey, TChange>> batch)
    {
        try
        {
            await store(batch);
            Interlocked.Add(ref _stored, batch.Count);
            return;
        }
        catch (Exception error) when (!_isOutage(error))
        {
            if (batch.Count == 1)
            {
                Drop(batch[0].Key, error);
                return;
            }
        }
        foreach (var row in batch)
        {
            try
            {
                await store([row]);
                Interlocked.Increment(ref _stored);
            }
            catch (Exception error) when (!_isOutage(error))
            {
                Drop(row.Key, error);
            }
        }
    }

    private void Drop(TKey key, Exception error)
    {
        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref _refused);
        WriteBehindLog.Refused(logger, options.Name, describe(key), error.Message);
    }

    private void Signal() => _signal.Writer.TryWrite(true);
}

internal static partial class WriteBehindLog
{
    [LoggerMessage(EventId = 2701, Level = LogLevel.Warning, Message = "Write-behind {Queue}: could not store {Count} changes, retrying: {Reason}")]
    public static partial void Unavailable(ILogger logger, string queue, int count, string reason);

    [LoggerMessage(EventId = 2702, Level = LogLevel.Error, Message = "Write-behind {Queue}: {Row} refused by the database and dropped: {Reason}")]
    public static partial void Refused(ILogger logger, string queue, string row, string reason);

    [LoggerMessage(EventId = 2703, Level = LogLevel.Error, Message = "Write-behind {Queue} full ({Capacity} pending): change dropped ({Dropped} so far)")]
    public static partial void Full(ILogger logger, string queue, int capacity, long dropped);
}
