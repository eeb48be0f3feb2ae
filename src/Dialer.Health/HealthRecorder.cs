using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Dialer.Health;

/// <summary>
/// Writes health to MariaDB and to the log: the periodic report of every trunk (the report job), and at each server
/// state change the change itself plus a fresh report of its trunk, so the latest report always shows the current
/// states. Database calls go through a Polly retry + circuit breaker: during an outage writes fail fast and
/// visibly (logged, counted), state changes wait in the bounded write-behind queue (<see cref="WriteBehind{TKey, TChange}"/>,
/// oldest first), and everything resumes when the database does.
/// Probing and routing never wait for any of it.
/// </summary>
public sealed partial class HealthRecorder : IAsyncDisposable
{
    private const int QueueLimit = 10_000;
    private readonly WriteBehind<HealthEvent, HealthEvent> _changes;
    private readonly HealthReporter _reporter;
    private readonly HealthStore _store;
    private readonly PeerSnapshotSource _peers;
    private readonly HealthSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<HealthRecorder> _logger;
    private readonly ResiliencePipeline _database;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _failures;
    private int _disposed;

    public HealthRecorder(HealthReporter reporter, HealthStore store, HealthMonitor monitor, PeerSnapshotSource peers, HealthSettings settings,
        TimeProvider time, ILogger<HealthRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(settings);
        _reporter = reporter;
        _store = store;
        _peers = peers;
        _settings = settings;
        _time = time;
        _logger = logger;
        _database = DatabaseResilience.Pipeline(time, settings.DatabaseBreak);
        // Each change is its own key (by reference); the breaker open or the database unreachable is an outage (kept,
        // retried), any other refusal drops that change alone.
        _changes = new(new WriteBehindOptions { Name = "health", Capacity = QueueLimit, Coalesce = TimeSpan.FromMilliseconds(50) },
            WriteChangesAsync, change => $"health change of {change.Trunk} {change.Server}", time, logger, ReferenceEqualityComparer.Instance,
            error => error is BrokenCircuitException || DatabaseErrors.IsUnavailable(error));
        monitor.Changed += change => _changes.Record(change, change);
    }

    /// <summary>The state-change queue (/metrics).</summary>
    public WriteBehind<HealthEvent, HealthEvent> Changes => _changes;

    /// <summary>Report or event writes that failed (database down, circuit open), since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public TimeSpan Window => TimeSpan.FromSeconds(_settings.ReportIntervalSeconds);

    /// <summary>Starts writing state changes as they come.</summary>
    public void Start() => _loop ??= Task.Run(() => _changes.RunAsync(_stop.Token));

    /// <summary>The report job: one labeled report per trunk, logged and stored; then old reports are pruned.</summary>
    /// <returns>True when the reports reached the database.</returns>
    public async Task<bool> ReportAllAsync(CancellationToken cancellationToken)
    {
        var reports = _peers.Current.Trunks.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(trunk => _reporter.Report(trunk, Window, advance: true)).ToList();
        foreach (var report in reports)
        {
            LogReport(_logger, report.Trunk, report.Label, report.Reason);
        }
        try
        {
            await _database.ExecuteAsync(async token => await _store.WriteAsync(reports, token), cancellationToken);
            var cutoff = _time.GetUtcNow() - TimeSpan.FromHours(_settings.RetentionHours);
            await _database.ExecuteAsync(async token => await _store.PruneAsync(cutoff, token), cancellationToken);
            return true;
        }
        catch (Exception error) when (DatabaseResilience.IsOutage(error))
        {
            Interlocked.Increment(ref _failures);
            LogReportFailed(_logger, reports.Count, error.Message);
            return false;
        }
    }

    private async Task WriteChangesAsync(IReadOnlyList<KeyValuePair<HealthEvent, HealthEvent>> batch)
    {
        foreach (var (change, _) in batch)
        {
            // Not cancelled at stop: the queue makes one last attempt then (the breaker keeps it short in an outage).
            await WriteChangeAsync(change, CancellationToken.None);
        }
    }

    private async Task WriteChangeAsync(HealthEvent change, CancellationToken cancellationToken)
    {
        var report = _peers.Current.Trunks.TryGetValue(change.Trunk, out var trunk) ? _reporter.Report(trunk, Window, advance: false) : null;
        try
        {
            // In a cluster every node sees the change; only the node that stores it first writes the report too.
            var first = await _database.ExecuteAsync(async token => await _store.WriteAsync(change, token), cancellationToken);
            if (first && report is not null)
            {
                await _database.ExecuteAsync(async token => await _store.WriteAsync([report], token), cancellationToken);
            }
            if (first && report is not null)
            {
                LogReport(_logger, report.Trunk, report.Label, report.Reason);
            }
        }
        catch (Exception error) when (DatabaseResilience.IsOutage(error))
        {
            Interlocked.Increment(ref _failures);
            LogChangeFailed(_logger, change.Trunk, change.Server, error.Message);
            throw;
        }
    }

    /// <summary>Stops writing state changes after one last attempt; what is still unstored then is counted as dropped. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Health {Trunk}: {Label} ({Reason})")]
    private static partial void LogReport(ILogger logger, string trunk, string label, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Health report job failed: {Count} reports not stored ({Reason}); probing and routing continue")]
    private static partial void LogReportFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Health state change of {Trunk} {Server} not stored yet ({Reason}); kept, will retry")]
    private static partial void LogChangeFailed(ILogger logger, string trunk, string server, string reason);
}
