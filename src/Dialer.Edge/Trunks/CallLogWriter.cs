using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Trunks;

/// <summary>
/// Write-behind of the carrier log on the one <see cref="WriteBehind{TKey, TChange}"/>: the call path only records a
/// finished call; batches are inserted (upserted on the dialog, so a row is never stored twice) and, while the database
/// is down, kept and retried.
/// </summary>
public sealed class CallLogWriter
{
    private readonly WriteBehind<CallRecord, CallRecord> _queue;

    public CallLogWriter(CallLogStore store, TimeProvider time, ILogger<CallLogWriter> logger, int capacity = 100_000)
    {
        ArgumentNullException.ThrowIfNull(store);
        // Each record is its own key (by reference): a record added again before it was written is written once, as it is then.
        _queue = new(new WriteBehindOptions { Name = "call_log", Capacity = capacity }, batch => store.InsertAsync([.. batch.Select(c => c.Value)]),
            record => $"call log record of {record.CallId}", time, logger, ReferenceEqualityComparer.Instance);
    }

    public WriteBehind<CallRecord, CallRecord> Queue => _queue;

    /// <summary>Call records queued, not yet stored (/metrics).</summary>
    public long Depth => _queue.Depth;

    /// <summary>Records lost (refused, queue full, unstored at stop).</summary>
    public long Dropped => _queue.Dropped;

    public void Add(CallRecord record) => _queue.Record(record, record);

    public Task RunAsync(CancellationToken stoppingToken) => _queue.RunAsync(stoppingToken);

    public Task DrainAsync(TimeSpan timeout) => _queue.DrainAsync(timeout);
}
