using Dialer.Edge;
using Dialer.Edge.Trunks;
using Dialer.Peers.Snapshot;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>GET /api/channels (README.md, "Admin API") from the edge's channel ledger; /metrics is in Monitoring/.</summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/channels", ListChannels).WithTags("Channels").RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>
    /// Every trunk's channels. With <c>?campaign=</c>, <c>campaignInUse</c> is that campaign's calls on the trunk and
    /// <c>available</c> how many more the edge would admit for it now, by the same rules as admission and read together;
    /// without it, <c>available</c> is for a call without a campaign. A dialer paces each trunk by the two.
    /// </summary>
    public static Ok<ChannelView[]> ListChannels(EdgeService edge, PeerSnapshotSource peers, string? campaign = null)
    {
        var snapshot = peers.Current;
        var campaigns = snapshot.Campaigns.Values;
        return TypedResults.Ok(Rows(edge, snapshot).Select(row =>
        {
            var trunk = snapshot.Trunks[row.Trunk];
            var room = trunk.Active ? edge.Ledger.RoomFor(trunk, campaigns, campaign) : new CampaignRoom(0, 0);
            return new ChannelView(row.Trunk, row.InUse, row.Cap, row.Peak, row.Admitted,
                new RejectedView(row.Rejected[(int)RejectCause.ChannelCap], row.Rejected[(int)RejectCause.CpsCap],
                    row.Rejected[(int)RejectCause.Allocation], row.Rejected[(int)RejectCause.NoServer]),
                [.. row.Campaigns.Select(c => new CampaignChannelView(c.Campaign, c.InUse, c.Peak, c.Admitted, c.Wanted, c.Shortage))],
                trunk.DialPrefix, trunk.Active, trunk.CpsCap, room.Available, room.InUse);
        }).ToArray());
    }

    /// <summary>Every trunk of the snapshot, with zero counters for trunks that have carried no call yet.</summary>
    internal static List<TrunkChannelsView> Rows(EdgeService edge, PeerSnapshot snapshot)
    {
        var views = edge.Ledger.Views().ToDictionary(v => v.Trunk, StringComparer.OrdinalIgnoreCase);
        return [.. snapshot.Trunks.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
            views.TryGetValue(t.Name, out var view) ? view with { Cap = t.ChannelCap } : new TrunkChannelsView(t.Name, 0, t.ChannelCap, 0, 0, new long[4], []))];
    }
}

public sealed record ChannelView(string Trunk, int InUse, int Cap, int Peak, long Admitted, RejectedView Rejected, IReadOnlyList<CampaignChannelView> Campaigns,
    string DialPrefix, bool Active, int CpsCap, int Available, int CampaignInUse);

public sealed record RejectedView(long ChannelCap, long CpsCap, long Allocation, long NoServer);

public sealed record CampaignChannelView(string Campaign, int InUse, int Peak, long Admitted, long Wanted, long Shortage);
