using System.Threading.Channels;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Trunks;

/// <summary>
/// Write-behind of the carrier log: the call path only enqueues; this loop inserts in batches and, while the
/// database is down, keeps the records and retries.
/// </summary>
public sealed partial class CallLogWriter(CallLogStore store, TimeProvider time, ILogger<CallLogWriter> logger)
{
    private readonly Channel<CallRecord> _records = Channel.CreateUnbounded<CallRecord>(new UnboundedChannelOptions { SingleReader = true });
    private long _outstanding;
    private long _dropped;

    /// <summary>Call records queued, not yet stored (/metrics).</summary>
    public long Depth => Interlocked.Read(ref _outstanding);

    /// <summary>Records still unstored when the writer stopped (lost); while running it retries until stored.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(CallRecord record)
    {
        Interlocked.Increment(ref _outstanding);
        _records.Writer.TryWrite(record);
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var batch = new List<CallRecord>();
        while (true)
        {
            try
            {
                if (batch.Count == 0 && !await _records.Reader.WaitToReadAsync(stoppingToken))
                {
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
            while (batch.Count < 500 && _records.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }
            if (await FlushAsync(batch))
            {
                continue;
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        while (_records.Reader.TryRead(out var record))
        {
            batch.Add(record);
        }
        await FlushAsync(batch);
        Interlocked.Add(ref _dropped, Interlocked.Read(ref _outstanding));
    }

    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (Interlocked.Read(ref _outstanding) > 0 && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        }
    }

    private async Task<bool> FlushAsync(List<CallRecord> batch)
    {
        if (batch.Count == 0)
        {
            return true;
        }
        try
        {
            await store.InsertAsync(batch);
            Interlocked.Add(ref _outstanding, -batch.Count);
            batch.Clear();
            return true;
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error) && !DatabaseErrors.IsUnavailable(error))
        {
            // A row the database refuses (not an outage): store the others, drop that one.
            try
            {
                Interlocked.Add(ref _dropped, await RowByRow.StoreAsync(batch, rows => store.InsertAsync(rows),
                    (record, refused) => LogDropped(logger, record.CallId, refused.Message)));
                Interlocked.Add(ref _outstanding, -batch.Count);
                batch.Clear();
                return true;
            }
            catch (Exception again) when (DatabaseErrors.IsFailure(again))
            {
                LogWriteFailed(logger, batch.Count, again.Message);
                return false;
            }
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            LogWriteFailed(logger, batch.Count, error.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 2502, Level = LogLevel.Error, Message = "Call log record of {CallId} refused by the database and dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Warning, Message = "Could not store {Count} call log records, retrying: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);
}
