using System.Globalization;
using System.Text;
using Dialer.Edge;
using Dialer.Edge.Trunks;
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

    public static Ok<ChannelView[]> ListChannels(EdgeService edge, PeerSnapshotSource peers) =>
        TypedResults.Ok(Rows(edge, peers).Select(row => new ChannelView(row.Trunk, row.InUse, row.Cap, row.Peak, row.Admitted,
            new RejectedView(row.Rejected[(int)RejectCause.ChannelCap], row.Rejected[(int)RejectCause.CpsCap],
                row.Rejected[(int)RejectCause.Allocation], row.Rejected[(int)RejectCause.NoServer]),
            [.. row.Campaigns.Select(c => new CampaignChannelView(c.Campaign, c.InUse, c.Peak, c.Admitted, c.Wanted, c.Shortage))])).ToArray());

    /// <summary>Prometheus text exposition format 0.0.4, written by hand (no exporter package is available here).</summary>
    public static ContentHttpResult Metrics(EdgeService edge, PeerSnapshotSource peers)
    {
        var rows = Rows(edge, peers);
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
        return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4");
    }

    /// <summary>Every trunk of the snapshot, with zero counters for trunks that have carried no call yet.</summary>
    private static List<TrunkChannelsView> Rows(EdgeService edge, PeerSnapshotSource peers)
    {
        var views = edge.Ledger.Views().ToDictionary(v => v.Trunk, StringComparer.OrdinalIgnoreCase);
        return [.. peers.Current.Trunks.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
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

public sealed record ChannelView(string Trunk, int InUse, int Cap, int Peak, long Admitted, RejectedView Rejected, IReadOnlyList<CampaignChannelView> Campaigns);

public sealed record RejectedView(long ChannelCap, long CpsCap, long Allocation, long NoServer);

public sealed record CampaignChannelView(string Campaign, int InUse, int Peak, long Admitted, long Wanted, long Shortage);
