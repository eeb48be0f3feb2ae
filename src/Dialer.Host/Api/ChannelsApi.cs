using System.Globalization;
using System.Text;
using Dialer.Edge;
using Dialer.Edge.Trunks;
using Dialer.Health;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>GET /api/channels (CONTRACT.md) and GET /metrics (Prometheus text) from the edge's channel ledger.</summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/channels", ListChannels).WithTags("Channels").RequireAuthorization(Policies.Read);
        app.MapGet("/metrics", Metrics).WithTags("Channels").AllowAnonymous();
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

    /// <summary>Prometheus text exposition format 0.0.4, written by hand (no exporter package is available here).</summary>
    public static ContentHttpResult Metrics(EdgeService edge, PeerSnapshotSource peers, TrunkStatusBoard board, HealthRecorder health)
    {
        var rows = Rows(edge, peers.Current);
        var text = new StringBuilder();
        Family(text, "dialer_trunk_channels_in_use", "gauge", "Channels in use on the trunk.", rows, r => r.InUse);
        Family(text, "dialer_trunk_channel_cap", "gauge", "The trunk's channel cap.", rows, r => r.Cap);
        Family(text, "dialer_trunk_channels_peak", "gauge", "Most channels in use at once since start.", rows, r => r.Peak);
        Family(text, "dialer_trunk_calls_admitted_total", "counter", "Calls admitted onto the trunk.", rows, r => r.Admitted);
        text.Append("# HELP dialer_trunk_calls_rejected_total Calls refused by admission, by cause.\n# TYPE dialer_trunk_calls_rejected_total counter\n");
        foreach (var row in rows)
        {
            foreach (var cause in Enum.GetValues<RejectCause>())
            {
                text.Append(CultureInfo.InvariantCulture, $"dialer_trunk_calls_rejected_total{{trunk=\"{Escape(row.Trunk)}\",cause=\"{cause.ToString().ToLowerInvariant()}\"}} {row.Rejected[(int)cause]}\n");
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"# HELP dialer_registrations Live phone bindings.\n# TYPE dialer_registrations gauge\ndialer_registrations {edge.Location.All().Count}\n");
        text.Append(CultureInfo.InvariantCulture, $"# HELP dialer_sip_malformed_total SIP messages refused as malformed.\n# TYPE dialer_sip_malformed_total counter\ndialer_sip_malformed_total {edge.MalformedCount}\n");
        ServerHealth(text, peers.Current, board);
        text.Append(CultureInfo.InvariantCulture, $"# HELP dialer_health_write_failures_total Health reports or state changes not stored (database down).\n# TYPE dialer_health_write_failures_total counter\ndialer_health_write_failures_total {health.Failures}\n");
        return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4");
    }

    /// <summary>Each trunk server's health state (1 for the current state, 0 for the others) and last probe RTT.</summary>
    private static void ServerHealth(StringBuilder text, PeerSnapshot snapshot, TrunkStatusBoard board)
    {
        var servers = snapshot.Trunks.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => t.Servers.Select(s => (Trunk: t.Name, Key: TrunkServerKey.For(t, s)))).ToList();
        text.Append("# HELP dialer_trunk_server_state Trunk server health state (1 = the server is in this state).\n# TYPE dialer_trunk_server_state gauge\n");
        foreach (var (trunk, key) in servers)
        {
            var state = board.StatusOf(key).State;
            foreach (var candidate in Enum.GetValues<ServerHealthState>())
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"dialer_trunk_server_state{{trunk=\"{Escape(trunk)}\",server=\"{Escape(key.Server)}\",state=\"{ServerHealthStates.Of(candidate)}\"}} {(candidate == state ? 1 : 0)}\n");
            }
        }
        text.Append("# HELP dialer_trunk_server_rtt_milliseconds Round trip of the last OPTIONS probe answered alive.\n# TYPE dialer_trunk_server_rtt_milliseconds gauge\n");
        foreach (var (trunk, key) in servers)
        {
            if (board.StatusOf(key).RttMs is { } rtt)
            {
                text.Append(CultureInfo.InvariantCulture, $"dialer_trunk_server_rtt_milliseconds{{trunk=\"{Escape(trunk)}\",server=\"{Escape(key.Server)}\"}} {rtt:0.###}\n");
            }
        }
    }

    /// <summary>Every trunk of the snapshot, with zero counters for trunks that have carried no call yet.</summary>
    private static List<TrunkChannelsView> Rows(EdgeService edge, PeerSnapshot snapshot)
    {
        var views = edge.Ledger.Views().ToDictionary(v => v.Trunk, StringComparer.OrdinalIgnoreCase);
        return [.. snapshot.Trunks.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
            views.TryGetValue(t.Name, out var view) ? view with { Cap = t.ChannelCap } : new TrunkChannelsView(t.Name, 0, t.ChannelCap, 0, 0, new long[4], []))];
    }

    private static void Family(StringBuilder text, string name, string type, string help, List<TrunkChannelsView> rows, Func<TrunkChannelsView, long> value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{trunk=\"{Escape(row.Trunk)}\"}} {value(row)}\n");
        }
    }

    private static string Escape(string label) => label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}

public sealed record ChannelView(string Trunk, int InUse, int Cap, int Peak, long Admitted, RejectedView Rejected, IReadOnlyList<CampaignChannelView> Campaigns,
    string DialPrefix, bool Active, int CpsCap, int Available, int CampaignInUse);

public sealed record RejectedView(long ChannelCap, long CpsCap, long Allocation, long NoServer);

public sealed record CampaignChannelView(string Campaign, int InUse, int Peak, long Admitted, long Wanted, long Shortage);
