using System.Collections.Concurrent;
using System.Globalization;
using Dialer.Peers.Health;
using Dialer.Peers.Model;

namespace Dialer.Health;

/// <summary>
/// Builds a trunk's labeled health report from the monitor's server figures and the edge's channel counters.
/// Labels, first match wins: disabled (trunk or every server switched off), down (no enabled server is routable),
/// full (at its channel cap now, or calls refused for the cap in the window), pending (no enabled server probed yet,
/// as at start: nothing is known to be wrong), degraded (a server down, lagged or not probed yet), healthy. The reason
/// says why in words.
/// </summary>
public sealed class HealthReporter(HealthMonitor monitor, ITrunkChannelFigures? channels, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (RejectionCounts Rejected, long Shortage)> _baseline = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="trunk">The trunk as in the current snapshot.</param>
    /// <param name="window">The report window: RTT percentiles, availability, rejections and shortage cover it.</param>
    /// <param name="advance">Whether this is the periodic report, after which the next window's counts start.</param>
    public HealthReport Report(Trunk trunk, TimeSpan window, bool advance)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        var servers = trunk.Servers.Select(server =>
        {
            var key = TrunkServerKey.For(trunk, server);
            var (status, p50, p95, availability, probes) = monitor.Figures(key, window);
            return (Key: key, Status: status, Report: new ServerHealthReport(server.Host, server.Port, WireNames.Of(server.Transport),
                ServerHealthStates.Of(status.State), status.Cause, status.Since == DateTimeOffset.MinValue ? null : status.Since,
                status.RttMs is { } rtt ? Math.Round(rtt, 1) : null, p50, p95, availability, probes));
        }).ToList();
        var figures = channels?.Figures(trunk.Name);
        var totals = (Rejected: figures?.Rejected ?? RejectionCounts.None, Shortage: figures?.Shortage ?? 0);
        var before = _baseline.GetValueOrDefault(trunk.Name, (RejectionCounts.None, 0L));
        if (advance)
        {
            _baseline[trunk.Name] = totals;
        }
        var rejected = totals.Rejected.Minus(before.Item1);
        var shortage = totals.Shortage - before.Item2;
        var channelReport = new ChannelHealthReport(figures?.InUse ?? 0, figures?.Peak ?? 0, trunk.ChannelCap);
        var (label, reason) = Label(trunk, servers.Select(s => (s.Key, s.Status)).ToList(), channelReport, rejected, window);
        return new HealthReport(trunk.Name, label, reason, time.GetUtcNow(), (int)window.TotalSeconds, [.. servers.Select(s => s.Report)],
            channelReport, rejected, shortage);
    }

    /// <summary>
    /// A stored report with the channels in use now from the edge's ledger, where this process has one: the report is
    /// up to an interval old, the ledger is not. Label, reason, rejections and the peak stay the report's (the peak at
    /// least the channels in use now); the cap is the trunk's current one.
    /// </summary>
    public HealthReport WithLiveChannels(HealthReport report, Trunk trunk)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(trunk);
        if (channels is null)
        {
            return report;
        }
        // No figures: this edge has carried no call on the trunk, so none is in use.
        var inUse = channels.Figures(trunk.Name)?.InUse ?? 0;
        return report with { Channels = new ChannelHealthReport(inUse, Math.Max(report.Channels.Peak, inUse), trunk.ChannelCap) };
    }

    internal static (string Label, string Reason) Label(Trunk trunk, IReadOnlyList<(TrunkServerKey Key, ServerStatus Status)> servers,
        ChannelHealthReport channels, RejectionCounts rejected, TimeSpan window)
    {
        if (!trunk.Active)
        {
            return (HealthLabels.Disabled, "trunk disabled by an admin");
        }
        var enabled = servers.Where(s => s.Status.State != ServerHealthState.Disabled).ToList();
        if (enabled.Count == 0)
        {
            return (HealthLabels.Disabled, servers.Count == 0 ? "no servers configured" : servers.Count == 1 ? "the server is disabled" : $"all {servers.Count} servers disabled");
        }
        var down = enabled.Where(s => s.Status.State == ServerHealthState.Down).ToList();
        if (down.Count == enabled.Count)
        {
            return (HealthLabels.Down, $"{Count(down.Count, enabled.Count, "down")}: {Causes(down)}");
        }
        var troubles = new List<string>();
        if (down.Count > 0)
        {
            troubles.Add($"{Count(down.Count, enabled.Count, "down")}: {Causes(down)}");
        }
        var lagged = enabled.Where(s => s.Status.State == ServerHealthState.Lagged).ToList();
        if (lagged.Count > 0)
        {
            troubles.Add($"{Count(lagged.Count, enabled.Count, "lagged")}: {Causes(lagged)}");
        }
        var unknown = enabled.Count(s => s.Status.State == ServerHealthState.Unknown);
        if (unknown > 0)
        {
            troubles.Add(unknown == enabled.Count ? "not probed yet" : Count(unknown, enabled.Count, "not probed yet"));
        }
        if (channels.Cap > 0 && (channels.InUse >= channels.Cap || rejected.ChannelCap > 0))
        {
            var full = channels.InUse >= channels.Cap
                ? $"{channels.InUse} of {channels.Cap} channels in use"
                : string.Create(CultureInfo.InvariantCulture, $"{rejected.ChannelCap} calls refused at the channel cap ({channels.Cap}) in the last {window.TotalSeconds:0} s");
            return (HealthLabels.Full, string.Join("; ", [full, .. troubles]));
        }
        if (unknown == enabled.Count)
        {
            return (HealthLabels.Pending, "not probed yet");
        }
        if (troubles.Count > 0)
        {
            return (HealthLabels.Degraded, string.Join("; ", troubles));
        }
        return (HealthLabels.Healthy, enabled.Count == 1 ? "the server is up" : $"all {enabled.Count} servers up");
    }

    private static string Count(int some, int of, string what) => some == of && of > 1 ? $"all {of} servers {what}" : $"{some} of {of} servers {what}";

    private static string Causes(IEnumerable<(TrunkServerKey Key, ServerStatus Status)> servers) =>
        string.Join(", ", servers.Select(s => s.Status.Cause.Length == 0 ? s.Key.Server : $"{s.Key.Server} {s.Status.Cause}"));
}
