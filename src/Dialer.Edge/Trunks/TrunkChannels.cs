using Dialer.Peers.Model;

namespace Dialer.Edge.Trunks;

/// <summary>
/// The channel ledger of one trunk: channels in use against the cap, the CPS bucket, and VICIdial allocations.
/// A campaign first uses its own reserved channels; OVERFLOW_ALLOWED may then take unreserved ones;
/// MAXIMUM_LIMIT never does; no campaign takes another's free reserved channels. Each decision is made under
/// this trunk's small lock, so the counters move together and the cap holds exactly.
/// </summary>
public sealed partial class TrunkChannels
{
    private readonly Lock _gate = new();
    private readonly CpsBucket _cps;
    private readonly ChannelLedger _ledger;
    private readonly Dictionary<string, int> _reservedInUse = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CampaignCounters> _campaigns = new(StringComparer.OrdinalIgnoreCase);
    private readonly long[] _rejected = new long[4];
    /// <summary>Clustered: per pool ('' = unreserved, else a campaign's reserved channels) what this node may use.</summary>
    private readonly Dictionary<string, PoolGrant>? _grants;
    private int _unreservedInUse;

    internal TrunkChannels(string trunk, TimeProvider time, ChannelLedger ledger)
    {
        Trunk = trunk;
        _cps = new CpsBucket(time);
        _ledger = ledger;
        _grants = ledger.Clustered ? new Dictionary<string, PoolGrant>(StringComparer.OrdinalIgnoreCase) : null;
    }

    public string Trunk { get; }
    public int InUse { get; private set; }
    public int Peak { get; private set; }
    public long Admitted { get; private set; }
    public int Cap { get; private set; }

    public long Rejected(RejectCause cause)
    {
        lock (_gate)
        {
            return _rejected[(int)cause];
        }
    }

    /// <param name="trunk">The trunk as in the current snapshot (its cap may have changed since the last call).</param>
    /// <param name="campaigns">The campaigns of the snapshot, for the reservations on this trunk.</param>
    /// <param name="campaign">The X-Dialer-Campaign of the call, or null.</param>
    /// <param name="lease">The channel when admitted.</param>
    /// <returns>Null when admitted, else why not.</returns>
    public RejectCause? TryAdmit(Trunk trunk, IEnumerable<Campaign> campaigns, string? campaign, out ChannelLease? lease) =>
        TryAdmit(trunk, campaigns, campaign, GrantsGrown.None, out lease, out _);

    /// <summary>
    /// Admission on a node of a cluster, where the channels this node may use are its grants (alone, the same as the
    /// overload without grants). <paramref name="need"/> names a pool whose grant should grow: with
    /// <see cref="LeaseNeed.Wait"/> the call was not decided (nothing counted) and is asked again once the grant grew;
    /// otherwise the call was decided and the grant may grow ahead of the next ones.
    /// </summary>
    /// <param name="trunk">The trunk as in the current snapshot.</param>
    /// <param name="campaigns">The campaigns of the snapshot.</param>
    /// <param name="campaign">The X-Dialer-Campaign of the call, or null.</param>
    /// <param name="lease">The channel when admitted.</param>
    /// <param name="need">The grant to grow, if any.</param>
    /// <param name="grown">The grants this call already waited for: it does not wait for them again (a reserved grant that
    /// could not grow sends it on to the unreserved pool).</param>
    public RejectCause? TryAdmit(Trunk trunk, IEnumerable<Campaign> campaigns, string? campaign, GrantsGrown grown, out ChannelLease? lease,
        out LeaseNeed need)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(campaigns);
        lease = null;
        var (reservedTotal, own) = Reservations(trunk, campaigns, campaign);
        lock (_gate)
        {
            Cap = trunk.ChannelCap;
            var cause = Decide(trunk, reservedTotal, own, campaign, grown, out var reserved, out need);
            if (need.Wait)
            {
                return cause;
            }
            var counters = campaign is null ? null : CountersOf(campaign);
            if (counters is not null)
            {
                counters.Wanted++;
            }
            if (cause is null && !_ledger.TryTakeGlobal())
            {
                cause = RejectCause.ChannelCap;
            }
            if (cause is { } refused)
            {
                _rejected[(int)refused]++;
                if (counters is not null)
                {
                    counters.Rejected[(int)refused]++;
                }
                return refused;
            }
            InUse++;
            Peak = Math.Max(Peak, InUse);
            Admitted++;
            if (reserved)
            {
                _reservedInUse[campaign!] = _reservedInUse.GetValueOrDefault(campaign!) + 1;
            }
            else
            {
                _unreservedInUse++;
            }
            if (counters is not null)
            {
                counters.InUse++;
                counters.Admitted++;
                counters.Peak = Math.Max(counters.Peak, counters.InUse);
            }
            need = Ahead(reserved ? campaign! : "", reserved ? own!.Reserved : trunk.ChannelCap - reservedTotal);
            lease = new ChannelLease(this, campaign, reserved);
            return null;
        }
    }

    /// <summary>
    /// The campaign's room on this trunk, read together under the lock: the calls it has up here, and how many more
    /// this trunk would admit for it now, the CPS bucket aside. The same rules as <see cref="TryAdmit(Trunk, IEnumerable{Campaign}, string?, out ChannelLease?)"/>: its own free
    /// reserved channels, plus the unreserved pool unless its allocation is MAXIMUM_LIMIT, never past the cap.
    /// </summary>
    public CampaignRoom RoomFor(Trunk trunk, IEnumerable<Campaign> campaigns, string? campaign)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(campaigns);
        var (reservedTotal, own) = Reservations(trunk, campaigns, campaign);
        lock (_gate)
        {
            var capLeft = Math.Max(0, trunk.ChannelCap - InUse);
            var ownLeft = own is null ? 0 : Math.Max(0, own.Reserved - _reservedInUse.GetValueOrDefault(campaign!));
            var pool = own is { Restriction: AllocationRestriction.MaximumLimit } ? 0 : Math.Max(0, trunk.ChannelCap - reservedTotal - _unreservedInUse);
            var inUse = campaign is not null && _campaigns.TryGetValue(campaign, out var counters) ? counters.InUse : 0;
            return new CampaignRoom(inUse, Math.Min(Math.Min(capLeft, ownLeft + pool), _ledger.GlobalFree));
        }
    }

    private RejectCause? Decide(Trunk trunk, int reservedTotal, Allocation? own, string? campaign, GrantsGrown grown, out bool reserved,
        out LeaseNeed need)
    {
        reserved = false;
        need = default;
        if (InUse >= trunk.ChannelCap)
        {
            return RejectCause.ChannelCap;
        }
        if (own is not null && _reservedInUse.GetValueOrDefault(campaign!) < own.Reserved)
        {
            if (Granted(campaign!, _reservedInUse.GetValueOrDefault(campaign!)))
            {
                reserved = true;
                return _cps.TryTake(CpsRate(trunk)) ? null : RejectCause.CpsCap;
            }
            if (!grown.HasFlag(GrantsGrown.Reserved))
            {
                // Clustered: the reservation may have room on the other nodes' side; grow this node's share first.
                need = new LeaseNeed(campaign!, own.Reserved, Wait: true);
                return RejectCause.Allocation;
            }
        }
        if (own is { Restriction: AllocationRestriction.MaximumLimit })
        {
            return RejectCause.Allocation;
        }
        // The unreserved pool: what the cap leaves after every campaign's reservation.
        var pool = trunk.ChannelCap - reservedTotal;
        if (_unreservedInUse >= pool)
        {
            return reservedTotal > 0 ? RejectCause.Allocation : RejectCause.ChannelCap;
        }
        if (!Granted("", _unreservedInUse))
        {
            need = new LeaseNeed("", pool, Wait: !grown.HasFlag(GrantsGrown.Unreserved));
            return RejectCause.ChannelCap;
        }
        return _cps.TryTake(CpsRate(trunk)) ? null : RejectCause.CpsCap;
    }

    /// <summary>Clustered, the CPS cap is shared out between the live nodes; alone, a node has all of it.</summary>
    private double CpsRate(Trunk trunk) => trunk.CpsCap <= 0 ? 0 : (double)trunk.CpsCap / Math.Max(1, _ledger.LiveNodes);

    private static (int Total, Allocation? Own) Reservations(Trunk trunk, IEnumerable<Campaign> campaigns, string? campaign)
    {
        var total = 0;
        Allocation? own = null;
        foreach (var candidate in campaigns)
        {
            if (!candidate.Active)
            {
                continue;
            }
            foreach (var allocation in candidate.Allocations)
            {
                if (string.Equals(allocation.Trunk, trunk.Name, StringComparison.OrdinalIgnoreCase))
                {
                    total += allocation.Reserved;
                    if (campaign is not null && string.Equals(candidate.Name, campaign, StringComparison.OrdinalIgnoreCase))
                    {
                        own = allocation;
                    }
                }
            }
        }
        return (total, own);
    }

    /// <summary>Counts a call refused before admission (no routable server) as wanted and rejected for <paramref name="cause"/>.</summary>
    public void Refuse(RejectCause cause, string? campaign)
    {
        lock (_gate)
        {
            _rejected[(int)cause]++;
            if (campaign is not null)
            {
                var counters = CountersOf(campaign);
                counters.Wanted++;
                counters.Rejected[(int)cause]++;
            }
        }
    }

    /// <summary>
    /// The channel of a call that was up when the edge stopped, charged again at start whatever the cap says now: the
    /// carrier still counts it, so it must count here until the call ends.
    /// </summary>
    public ChannelLease Restore(Trunk trunk, string? campaign, bool reserved)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        lock (_gate)
        {
            Cap = trunk.ChannelCap;
            InUse++;
            Peak = Math.Max(Peak, InUse);
            if (reserved && campaign is not null)
            {
                _reservedInUse[campaign] = _reservedInUse.GetValueOrDefault(campaign) + 1;
            }
            else
            {
                _unreservedInUse++;
            }
            if (campaign is not null)
            {
                var counters = CountersOf(campaign);
                counters.InUse++;
                counters.Peak = Math.Max(counters.Peak, counters.InUse);
            }
            if (_grants is not null)
            {
                // Clustered: the channel is this node's whatever the others hold; the first heartbeat writes it.
                var pool = reserved && campaign is not null ? campaign : "";
                var grant = GrantOf(pool);
                grant.Granted = Math.Max(grant.Granted, pool.Length == 0 ? _unreservedInUse : _reservedInUse[pool]);
            }
        }
        _ledger.TakeGlobalAnyway();
        return new ChannelLease(this, campaign, reserved && campaign is not null);
    }

    internal void Release(ChannelLease lease)
    {
        lock (_gate)
        {
            InUse--;
            if (lease.Reserved)
            {
                _reservedInUse[lease.Campaign!]--;
            }
            else
            {
                _unreservedInUse--;
            }
            if (lease.Campaign is not null)
            {
                CountersOf(lease.Campaign).InUse--;
            }
        }
        _ledger.ReleaseGlobal();
        _ledger.Ended(lease);
    }

    /// <summary>A consistent copy of the counters for the API and metrics.</summary>
    public TrunkChannelsView View()
    {
        lock (_gate)
        {
            return new TrunkChannelsView(Trunk, InUse, Cap, Peak, Admitted, [.. _rejected],
                [.. _campaigns.Select(c => new CampaignChannelsView(c.Key, c.Value.InUse, c.Value.Peak, c.Value.Admitted, c.Value.Wanted, [.. c.Value.Rejected]))]);
        }
    }

    private CampaignCounters CountersOf(string campaign)
    {
        if (!_campaigns.TryGetValue(campaign, out var counters))
        {
            counters = new CampaignCounters();
            _campaigns[campaign] = counters;
        }
        return counters;
    }

    private sealed class CampaignCounters
    {
        public int InUse { get; set; }
        public int Peak { get; set; }
        public long Admitted { get; set; }
        public long Wanted { get; set; }
        public long[] Rejected { get; } = new long[4];
    }
}

/// <summary>The grants a call has waited for already (clustered admission asks again after each).</summary>
[Flags]
public enum GrantsGrown { None = 0, Reserved = 1, Unreserved = 2 }

/// <summary>A pool whose grant this node should grow (Pool null: none); Wait: the call waits for it and is asked again.</summary>
public readonly record struct LeaseNeed(string? Pool, int Bound, bool Wait);

/// <param name="InUse">The campaign's calls up on the trunk.</param>
/// <param name="Available">How many more the trunk would admit for it now.</param>
public readonly record struct CampaignRoom(int InUse, int Available);

public sealed record TrunkChannelsView(string Trunk, int InUse, int Cap, int Peak, long Admitted, long[] Rejected, IReadOnlyList<CampaignChannelsView> Campaigns);

/// <summary>Per campaign on a trunk; shortage = wanted - admitted (VICIdial's TRUNK SHORT, per trunk).</summary>
public sealed record CampaignChannelsView(string Campaign, int InUse, int Peak, long Admitted, long Wanted, long[] Rejected)
{
    public long Shortage => Wanted - Admitted;
}
