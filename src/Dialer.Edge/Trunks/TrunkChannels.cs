using Dialer.Peers.Model;

namespace Dialer.Edge.Trunks;

/// <summary>
/// The channel ledger of one trunk: channels in use against the cap, the CPS bucket, and VICIdial allocations.
/// A campaign first uses its own reserved channels; OVERFLOW_ALLOWED may then take unreserved ones;
/// MAXIMUM_LIMIT never does; no campaign takes another's free reserved channels. Each decision is made under
/// this trunk's small lock, so the counters move together and the cap holds exactly.
/// </summary>
public sealed class TrunkChannels
{
    private readonly Lock _gate = new();
    private readonly CpsBucket _cps;
    private readonly ChannelLedger _ledger;
    private readonly Dictionary<string, int> _reservedInUse = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CampaignCounters> _campaigns = new(StringComparer.OrdinalIgnoreCase);
    private readonly long[] _rejected = new long[4];
    private int _unreservedInUse;

    internal TrunkChannels(string trunk, TimeProvider time, ChannelLedger ledger)
    {
        Trunk = trunk;
        _cps = new CpsBucket(time);
        _ledger = ledger;
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
    public RejectCause? TryAdmit(Trunk trunk, IEnumerable<Campaign> campaigns, string? campaign, out ChannelLease? lease)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(campaigns);
        lease = null;
        var (reservedTotal, own) = Reservations(trunk, campaigns, campaign);
        lock (_gate)
        {
            Cap = trunk.ChannelCap;
            var counters = campaign is null ? null : CountersOf(campaign);
            if (counters is not null)
            {
                counters.Wanted++;
            }
            var cause = Decide(trunk, reservedTotal, own, campaign, out var reserved);
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
            lease = new ChannelLease(this, campaign, reserved);
            return null;
        }
    }

    /// <summary>
    /// The campaign's room on this trunk, read together under the lock: the calls it has up here, and how many more
    /// this trunk would admit for it now, the CPS bucket aside. The same rules as <see cref="TryAdmit"/>: its own free
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

    private RejectCause? Decide(Trunk trunk, int reservedTotal, Allocation? own, string? campaign, out bool reserved)
    {
        reserved = false;
        if (InUse >= trunk.ChannelCap)
        {
            return RejectCause.ChannelCap;
        }
        if (own is not null && _reservedInUse.GetValueOrDefault(campaign!) < own.Reserved)
        {
            reserved = true;
            return _cps.TryTake(trunk.CpsCap) ? null : RejectCause.CpsCap;
        }
        if (own is { Restriction: AllocationRestriction.MaximumLimit })
        {
            return RejectCause.Allocation;
        }
        // The unreserved pool: what the cap leaves after every campaign's reservation.
        if (_unreservedInUse >= trunk.ChannelCap - reservedTotal)
        {
            return reservedTotal > 0 ? RejectCause.Allocation : RejectCause.ChannelCap;
        }
        return _cps.TryTake(trunk.CpsCap) ? null : RejectCause.CpsCap;
    }

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

/// <param name="InUse">The campaign's calls up on the trunk.</param>
/// <param name="Available">How many more the trunk would admit for it now.</param>
public readonly record struct CampaignRoom(int InUse, int Available);

public sealed record TrunkChannelsView(string Trunk, int InUse, int Cap, int Peak, long Admitted, long[] Rejected, IReadOnlyList<CampaignChannelsView> Campaigns);

/// <summary>Per campaign on a trunk; shortage = wanted - admitted (VICIdial's TRUNK SHORT, per trunk).</summary>
public sealed record CampaignChannelsView(string Campaign, int InUse, int Peak, long Admitted, long Wanted, long[] Rejected)
{
    public long Shortage => Wanted - Admitted;
}
