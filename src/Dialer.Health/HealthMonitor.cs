using System.Collections.Concurrent;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Microsoft.Extensions.Logging;

namespace Dialer.Health;

/// <summary>
/// Every trunk server's state machine and probe window. Observations go in (probe outcomes and the edge's call
/// failures, through <see cref="IHealthObservations"/>); each server's status goes out to the status board, where the
/// router sees it at once, and every state change is logged and raised as a <see cref="HealthEvent"/>.
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
                        Moved(trunk.Name, key, entry, state, before, _time.GetUtcNow(), $"peers:{snapshot.Version}:{key}:{ServerHealthStates.Of(state)}");
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

    /// <summary>One probe's result for one server of <paramref name="trunk"/>, now.</summary>
    public void Observe(Trunk trunk, TrunkServer server, ProbeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(server);
        Observe(TrunkServerKey.For(trunk, server), outcome, passive: false, _time.GetUtcNow(), changeKey: null);
    }

    /// <summary>A call to the server failed (a passive signal): counts toward down like a failed probe.</summary>
    public void ObserveCallFailure(TrunkServerKey key, string cause) =>
        Observe(key, new ProbeOutcome(false, null, null, cause), passive: true, _time.GetUtcNow(), changeKey: null);

    /// <summary>
    /// One observation of a configured server at <paramref name="at"/>; servers no longer configured are ignored.
    /// Passive ones move the state machine but are not probes, so they stay out of the RTT window.
    /// <paramref name="changeKey"/> names the observation the same way on every node, for the state change it causes.
    /// </summary>
    /// <returns>False when this node's peers do not (or not yet) have the server: nothing was applied.</returns>
    public bool Observe(TrunkServerKey key, ProbeOutcome outcome, bool passive, DateTimeOffset at, string? changeKey)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!_servers.TryGetValue(key, out var entry) || !_peers.Current.Trunks.TryGetValue(key.Trunk, out var trunk))
        {
            return false;
        }
        lock (entry)
        {
            if (!passive)
            {
                entry.Window.Add(at, outcome.Alive ? outcome.RttMs ?? 0 : null);
                entry.LastRttMs = outcome.Alive ? outcome.RttMs : null;
            }
            var before = entry.Machine.State;
            if (entry.Machine.Apply(outcome, trunk.Probe) is { } state)
            {
                Moved(trunk.Name, key, entry, state, before, at, changeKey);
            }
            else if (outcome.Alive)
            {
                var current = _board.StatusOf(key);
                _board.Publish(key, current with { RttMs = entry.LastRttMs, Cause = entry.Machine.Cause });
            }
        }
        return true;
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

    private void Moved(string trunk, TrunkServerKey key, Entry entry, ServerHealthState state, ServerHealthState before, DateTimeOffset at,
        string? changeKey)
    {
        var cause = entry.Machine.Cause;
        _board.Publish(key, new ServerStatus(state, cause, at, entry.LastRttMs));
        var change = new HealthEvent(trunk, key.Server, ServerHealthStates.Of(before), ServerHealthStates.Of(state), cause, at, changeKey);
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

    public void Dispose() => _peers.Published -= Sync;

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
