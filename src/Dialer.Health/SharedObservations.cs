using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;

namespace Dialer.Health;

/// <summary>
/// Clustered nodes: every probe outcome and call failure is appended to health_observations, and every node replays
/// the table, in the database's order, into its own monitor. All nodes therefore run the same state machines over
/// the same inputs and route alike, while Quartz makes sure each server is probed by one node per interval. At start
/// a node replays the recent past, so it routes on the cluster's states at once. When the database is down, a node
/// keeps what it observes itself (applied locally, logged) and reads the others' observations once it is back.
/// </summary>
public sealed partial class SharedObservations : IHealthObservations, IHostedService, IAsyncDisposable
{
    /// <summary>How far back a starting node replays: enough for any threshold run and a report window.</summary>
    private static readonly TimeSpan Replay = TimeSpan.FromMinutes(15);

    /// <summary>Rows are read again this long after their time, so a slow commit on another node is not missed.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    /// <summary>How long an observation of a server this node's peers do not have yet is read again, then dropped.</summary>
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    private readonly HealthMonitor _monitor;
    private readonly TrunkStatusBoard _board;
    private readonly HealthObservationStore _store;
    private readonly HealthSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<SharedObservations> _logger;
    private readonly ResiliencePipeline _database;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, DateTimeOffset> _applied = [];
    private readonly CancellationTokenSource _stop = new();
    private DateTimeOffset? _readFrom;
    private bool _outage;
    private Task? _loop;
    private int _disposed;

    public SharedObservations(HealthMonitor monitor, TrunkStatusBoard board, HealthObservationStore store, HealthSettings settings, TimeProvider time,
        ILogger<SharedObservations> logger)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(settings);
        _monitor = monitor;
        _board = board;
        _store = store;
        _settings = settings;
        _time = time;
        _logger = logger;
        _database = DatabaseResilience.Pipeline(time, settings.DatabaseBreak);
        _board.CallFailed += OnCallFailed;
    }

    /// <summary>This process in the observations' node column.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PullAsync(cancellationToken);
        _loop = Task.Run(() => PullLoopAsync(_stop.Token), CancellationToken.None);
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public Task ObserveAsync(Trunk trunk, TrunkServer server, ProbeOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(server);
        return ShareAsync(TrunkServerKey.For(trunk, server), outcome, passive: false, cancellationToken);
    }

    /// <summary>Reads the observations stored since the last read and applies the new ones; false during an outage.</summary>
    public async Task<bool> PullAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var since = _readFrom ?? _time.GetUtcNow() - Replay;
            var (now, observations) = await _database.ExecuteAsync(async token => await _store.SinceAsync(since, token), cancellationToken);
            var readFrom = now - Overlap;
            foreach (var observation in observations.Where(o => !_applied.ContainsKey(o.Id)))
            {
                var outcome = new ProbeOutcome(observation.Alive, observation.Code, observation.RttMs, observation.Cause);
                if (_monitor.Observe(observation.Server, outcome, observation.Passive, observation.At, $"obs:{observation.Id}"))
                {
                    _applied.Add(observation.Id, observation.At);
                }
                else if (observation.At > now - Hold && observation.At < readFrom)
                {
                    // A server another node probes before this node's peers have it: read it again next time, so every
                    // node applies the same observations in the same order and names the same state changes.
                    readFrom = observation.At;
                }
            }
            _readFrom = readFrom;
            foreach (var id in _applied.Where(a => a.Value < _readFrom.Value - Overlap).Select(a => a.Key).ToList())
            {
                _applied.Remove(id);
            }
            if (_outage)
            {
                _outage = false;
                LogResumed(_logger);
            }
            return true;
        }
        catch (Exception error) when (DatabaseResilience.IsOutage(error))
        {
            if (!_outage)
            {
                _outage = true;
                LogOutage(_logger, error.Message);
            }
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ShareAsync(TrunkServerKey key, ProbeOutcome outcome, bool passive, CancellationToken cancellationToken)
    {
        var observation = new HealthObservation(key, outcome.Alive, passive, outcome.Code, outcome.RttMs, outcome.Cause) { Node = Node };
        try
        {
            await _database.ExecuteAsync(async token => await _store.AppendAsync(observation, token), cancellationToken);
        }
        catch (Exception error) when (DatabaseResilience.IsOutage(error))
        {
            // Not shared, but not lost on this node: its own routing still learns from it.
            LogKeptLocal(_logger, key.ToString(), error.Message);
            _monitor.Observe(key, outcome, passive, _time.GetUtcNow(), changeKey: null);
            return;
        }
        // Apply it (and anything older from the other nodes) now rather than at the next read.
        await PullAsync(cancellationToken);
    }

    private void OnCallFailed(TrunkServerKey key, string cause) =>
        _ = ShareAsync(key, new ProbeOutcome(false, null, null, cause), passive: true, _stop.Token).ContinueWith(
            t => LogPassiveFailed(_logger, key.ToString(), t.Exception?.GetBaseException().Message ?? ""),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private Task PullLoopAsync(CancellationToken cancellationToken) => Dialer.Sip.Timing.Periodic.RunAsync(_settings.ShareInterval, _time, PullAsync, cancellationToken);

    /// <summary>Stops reading; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _board.CallFailed -= OnCallFailed;
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "Shared health observations unreachable ({Reason}); this node routes on what it observes itself until the database is back")]
    private static partial void LogOutage(ILogger logger, string reason);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Shared health observations reachable again")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Health observation of {Server} not shared ({Reason}); applied on this node only")]
    private static partial void LogKeptLocal(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Error, Message = "Call failure on {Server} not recorded: {Reason}")]
    private static partial void LogPassiveFailed(ILogger logger, string server, string reason);
}
