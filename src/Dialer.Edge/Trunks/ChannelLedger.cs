using System.Collections.Concurrent;

namespace Dialer.Edge.Trunks;

/// <summary>
/// Every trunk's channels, and the server-wide cap across all trunks (0 = none). On a node of a cluster
/// (<see cref="ClusterLeases"/>), each trunk admits only within the grants this node holds.
/// </summary>
public sealed class ChannelLedger(TimeProvider time, int maxChannels = 0, Action<Dialer.Peers.Model.CallRecord>? callEnded = null)
{
    private readonly ConcurrentDictionary<string, TrunkChannels> _trunks = new(StringComparer.OrdinalIgnoreCase);
    private int _inUse;
    private int _liveNodes = 1;

    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Admission within cluster grants (set before the first call).</summary>
    public bool Clustered { get; init; }

    /// <summary>Channels a grant grows by at a time; 0 = a tenth of the pool, at least one (Dialer:Cluster:LeaseChunk).</summary>
    public int LeaseChunk { get; init; }

    /// <summary>Nodes alive in the cluster at the last heartbeat (1 alone); the CPS cap is shared out between them.</summary>
    public int LiveNodes
    {
        get => Volatile.Read(ref _liveNodes);
        internal set => Volatile.Write(ref _liveNodes, Math.Max(1, value));
    }

    internal int ChunkFor(int bound) => LeaseChunk > 0 ? LeaseChunk : Math.Max(1, bound / 10);

    /// <summary>Every trunk that has carried a call (the heartbeat's grants).</summary>
    internal IEnumerable<TrunkChannels> Trunks => _trunks.Values;

    public TrunkChannels For(string trunk) => _trunks.GetOrAdd(trunk, name => new TrunkChannels(name, time, this));

    /// <summary>One trunk's counters, or null when it has carried no call yet (nothing is created by asking).</summary>
    public TrunkChannelsView? ViewOf(string trunk) => _trunks.TryGetValue(trunk, out var channels) ? channels.View() : null;

    /// <summary><see cref="TrunkChannels.RoomFor"/> for any trunk; one that has carried no call yet is not created by asking.</summary>
    public CampaignRoom RoomFor(Dialer.Peers.Model.Trunk trunk, IEnumerable<Dialer.Peers.Model.Campaign> campaigns, string? campaign)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        var channels = _trunks.TryGetValue(trunk.Name, out var known) ? known : new TrunkChannels(trunk.Name, time, this);
        return channels.RoomFor(trunk, campaigns, campaign);
    }

    /// <summary>Channels left under the server-wide cap (int.MaxValue when there is none).</summary>
    internal int GlobalFree => maxChannels > 0 ? Math.Max(0, maxChannels - Volatile.Read(ref _inUse)) : int.MaxValue;

    public IReadOnlyList<TrunkChannelsView> Views() => [.. _trunks.Values.Select(t => t.View()).OrderBy(v => v.Trunk, StringComparer.Ordinal)];

    internal bool TryTakeGlobal()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inUse);
            if (maxChannels > 0 && current >= maxChannels)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _inUse, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    internal void TakeGlobalAnyway() => Interlocked.Increment(ref _inUse);

    internal void ReleaseGlobal() => Interlocked.Decrement(ref _inUse);

    /// <summary>A channel came back: the call's record is complete and goes to the carrier log.</summary>
    internal void Ended(ChannelLease lease)
    {
        if (lease.Record is { } record)
        {
            record.EndedAt = time.GetUtcNow();
            callEnded?.Invoke(record);
        }
    }
}
