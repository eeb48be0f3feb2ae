using System.Collections.Concurrent;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Microsoft.Extensions.Logging;

namespace Dialer.Health;

/// <summary>
/// Every trunk server's state machine and probe window. Probes and the edge's call failures (passive signals, from
/// the status board) go in; each server's status goes out to the status board, where the router sees it at once,
/// and every state change is logged and raised as a <see cref="HealthEvent"/>.
/// </summary>
public sealed partial class HealthMonitor : IDisposable
{
    private readonly ConcurrentDictionary<TrunkServerKey, Entry> _servers = new();
    private readonly TrunkStatusBoard _board;
    private readonly PeerSnapshotSource _peers;
    private readonly TimeProvider _time;
    private readonly ILogger<HealthMonitor> _logger;

    public HealthMonitor(TrunkStatusBoard board, PeerSnapshotSource peers, TimeProvider time, ILogger<HealthMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(peers);
        _board = board;
        _peers = peers;
        _time = time;
        _logger = logger;
        _board.CallFailed += OnCallFailed;
        _peers.Published += Sync;
        Sync(peers.Current);
    }

    /// <summary>A server changed state; raised after the status board has the new state.</summary>
    public event Action<HealthEvent>? Changed;

    /// <summary>Makes the monitor's servers those of the snapshot; inactive trunks and servers are disabled.</summary>
    public void Sync(PeerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var configured = new HashSet<TrunkServerKey>();
        foreach (var trunk in snapshot.Trunks.Values)
        {
            foreach (var server in trunk.Servers)
            {
                var key = TrunkServerKey.For(trunk, server);
                configured.Add(key);
                var entry = _servers.GetOrAdd(key, _ => new Entry());
                lock (entry)
                {
                    var before = entry.Machine.State;
                    if (entry.Machine.SetDisabled(!trunk.Active || !server.Active) is { } state)
                    {
                        Moved(trunk.Name, key, entry, state, before);
                    }
                }
            }
        }
        foreach (var key in _servers.Keys.Where(k => !configured.Contains(k)))
        {
            _servers.TryRemove(key, out _);
        }
        _board.Retain(configured);
    }

    /// <summary>One probe's result for one server of <paramref name="trunk"/>.</summary>
    public void Observe(Trunk trunk, TrunkServer server, ProbeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(outcome);
        var key = TrunkServerKey.For(trunk, server);
        var entry = _servers.GetOrAdd(key, _ => new Entry());
        lock (entry)
        {
            var now = _time.GetUtcNow();
            entry.Window.Add(now, outcome.Alive ? outcome.RttMs ?? 0 : null);
            entry.LastRttMs = outcome.Alive ? outcome.RttMs : null;
            Apply(trunk, key, entry, outcome);
        }
    }

    /// <summary>A copy of one server's window figures for a report, trimmed to the window.</summary>
    public (ServerStatus Status, double? P50, double? P95, double? Availability, int Probes) Figures(TrunkServerKey key, TimeSpan window)
    {
        var status = _board.StatusOf(key);
        if (!_servers.TryGetValue(key, out var entry))
        {
            return (status, null, null, null, 0);
        }
        lock (entry)
        {
            entry.Window.Trim(_time.GetUtcNow() - window);
            return (status, entry.Window.Percentile(50), entry.Window.Percentile(95), entry.Window.Availability, entry.Window.Count);
        }
    }

    private void OnCallFailed(TrunkServerKey key, string cause)
    {
        if (!_servers.TryGetValue(key, out var entry) || !_peers.Current.Trunks.TryGetValue(key.Trunk, out var trunk))
        {
            return;
        }
        lock (entry)
        {
            Apply(trunk, key, entry, new ProbeOutcome(false, null, null, cause));
        }
    }

    private void Apply(Trunk trunk, TrunkServerKey key, Entry entry, ProbeOutcome outcome)
    {
        var before = entry.Machine.State;
        if (entry.Machine.Apply(outcome, trunk.Probe) is { } state)
        {
            Moved(trunk.Name, key, entry, state, before);
        }
        else if (outcome.Alive)
        {
            var current = _board.StatusOf(key);
            _board.Publish(key, current with { RttMs = entry.LastRttMs, Cause = entry.Machine.Cause });
        }
    }

    private void Moved(string trunk, TrunkServerKey key, Entry entry, ServerHealthState state, ServerHealthState before)
    {
        var now = _time.GetUtcNow();
        var cause = entry.Machine.Cause;
        _board.Publish(key, new ServerStatus(state, cause, now, entry.LastRttMs));
        var change = new HealthEvent(trunk, key.Server, ServerHealthStates.Of(before), ServerHealthStates.Of(state), cause, now);
        if (state is ServerHealthState.Down)
        {
            LogDown(_logger, trunk, change.Server, change.From, cause);
        }
        else
        {
            LogChanged(_logger, trunk, change.Server, change.From, change.To, cause);
        }
        Changed?.Invoke(change);
    }

    public void Dispose()
    {
        _board.CallFailed -= OnCallFailed;
        _peers.Published -= Sync;
    }

    private sealed class Entry
    {
        public ServerHealthMachine Machine { get; } = new();
        public ProbeWindow Window { get; } = new();
        public double? LastRttMs { get; set; }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Trunk {Trunk} server {Server}: {From} -> down ({Cause})")]
    private static partial void LogDown(ILogger logger, string trunk, string server, string from, string cause);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Trunk {Trunk} server {Server}: {From} -> {To} {Cause}")]
    private static partial void LogChanged(ILogger logger, string trunk, string server, string from, string to, string cause);
}
