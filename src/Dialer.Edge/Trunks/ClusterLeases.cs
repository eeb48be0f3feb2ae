using System.Collections.Concurrent;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Trunks;

/// <summary>
/// This node's side of the cluster's channel grants (<see cref="LeaseStore"/>): a trunk admits calls within what this
/// node was granted, a grant grows when a call finds it used up (the call waits for that one transaction) or ahead of
/// the next calls when it is nearly used up, and every heartbeat gives back what is not in use (keeping a chunk where
/// calls came since the last one). Grows and heartbeats run one at a time, so what the database says this node holds
/// is never less than what it admits within. A node that has not reached the database for half the dead-node time
/// shrinks every grant to its channels in use: the others will soon count it dead and take the rest.
/// </summary>
public sealed partial class ClusterLeases(LeaseStore store, ChannelLedger ledger, ClusterSettings settings, TimeProvider time, ILogger<ClusterLeases> logger)
    : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<(string Trunk, string Pool), byte> _ahead = new();
    private long _lastBeat = time.GetTimestamp();
    private bool _unreachable;

    public string Node => store.Node;

    /// <summary>Every node's grants as MariaDB has them (GET /api/cluster).</summary>
    public Task<IReadOnlyList<(string Node, LeaseGrant Grant, bool Alive)>> GrantsAsync(CancellationToken cancellationToken = default) =>
        store.AllAsync(cancellationToken);

    /// <summary>Every node the cluster remembers (GET /api/cluster).</summary>
    public Task<IReadOnlyList<ClusterNode>> NodesAsync(CancellationToken cancellationToken = default) => store.NodesAsync(cancellationToken);

    /// <summary>Grows the grant the call is short of; the call is asked again afterwards whatever came of it.</summary>
    public async Task GrowAsync(TrunkChannels channels, LeaseNeed need, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (need.Pool is not { } pool)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var granted = await store.GrowAsync(channels.Trunk, pool, need.Bound, ledger.ChunkFor(need.Bound), cancellationToken);
            channels.Raise(pool, granted, need.Bound);
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            LogGrowFailed(logger, channels.Trunk, pool.Length == 0 ? "unreserved" : pool, error.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Grows a nearly used-up grant in the background, once at a time per pool.</summary>
    public void GrowAhead(TrunkChannels channels, LeaseNeed need)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (need.Pool is not { } pool || !_ahead.TryAdd((channels.Trunk, pool), 0))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await GrowAsync(channels, need);
            }
            finally
            {
                _ahead.TryRemove((channels.Trunk, pool), out _);
            }
        });
    }

    /// <summary>One heartbeat: shrink, write this node's grants, learn how many nodes are alive.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var reachable = time.GetElapsedTime(_lastBeat) < settings.DeadAfter / 2;
            var grants = ledger.Trunks.SelectMany(t => t.Shrink(headroom: reachable)).ToList();
            try
            {
                ledger.LiveNodes = await store.HeartbeatAsync(grants, cancellationToken);
                _lastBeat = time.GetTimestamp();
                if (_unreachable)
                {
                    _unreachable = false;
                    LogReachable(logger);
                }
            }
            catch (Exception error) when (DatabaseErrors.IsFailure(error))
            {
                if (!reachable && !_unreachable)
                {
                    _unreachable = true;
                    LogUnreachable(logger, error.Message);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task RunAsync(CancellationToken stoppingToken) => Dialer.Sip.Timing.Periodic.RunAsync(settings.Heartbeat, time, BeatAsync, stoppingToken);

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = 2801, Level = LogLevel.Warning, Message = "Channel grant of trunk {Trunk} ({Pool}) could not grow: {Reason}; its calls get 503 past what this node holds")]
    private static partial void LogGrowFailed(ILogger logger, string trunk, string pool, string reason);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Warning, Message = "Cluster heartbeat failing ({Reason}): this node admits no call past its channels in use until the database answers")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2803, Level = LogLevel.Information, Message = "Cluster heartbeat written again: channel grants grow as calls need them")]
    private static partial void LogReachable(ILogger logger);
}

/// <summary>A node of several edges on one database (Dialer:Cluster; docs/operations.md, "Running several edges").</summary>
public sealed record ClusterSettings
{
    /// <summary>Off: this edge is alone and admits within the whole caps.</summary>
    public bool Enabled { get; init; }

    /// <summary>This node's name in edge_nodes and channel_leases; stable across restarts (its dialogs are restored by it).</summary>
    public string NodeId { get; init; } = "";

    /// <summary>This node's name when clustered, '' alone: what its bindings record as the node holding their flow.</summary>
    public string Self => Enabled ? NodeId : "";

    /// <summary>Whether this node's sockets hold the binding's flow (it registered here, or no node is recorded).</summary>
    public bool Holds(Dialer.Peers.Model.Binding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return binding.Node.Length == 0 || binding.Node == Self;
    }

    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A node without a heartbeat for this long is dead: its unused channels return at once.</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A dead node's grant (its calls and at most one chunk) stays charged this long (its calls may still be up at the carrier).</summary>
    public TimeSpan OrphanHold { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Channels a grant grows by; 0 = a tenth of the pool.</summary>
    public int LeaseChunk { get; init; }

    /// <summary>How often this node reads the bindings the other nodes changed.</summary>
    public TimeSpan LocationPoll { get; init; } = TimeSpan.FromMilliseconds(500);
}
