using System.Text.Json.Serialization;

namespace Dialer.Peers.Health;

/// <summary>
/// A labeled health report of one trunk (docs/architecture.md, "Health"): the label and its reason in words, each
/// server's state and RTT over the window, and the trunk's channels, rejections and shortage in the window.
/// </summary>
public sealed record HealthReport(
    string Trunk,
    string Label,
    string Reason,
    DateTimeOffset At,
    int WindowSeconds,
    IReadOnlyList<ServerHealthReport> Servers,
    ChannelHealthReport Channels,
    RejectionCounts Rejected,
    long Shortage);

/// <summary>
/// One server in a report. RttMs is the last probe's round trip (null when it failed or none ran); Availability is
/// the percentage of the window's probes answered alive (null when none ran).
/// </summary>
public sealed record ServerHealthReport(
    string Host,
    int? Port,
    string Transport,
    string State,
    string Cause,
    DateTimeOffset? Since,
    double? RttMs,
    double? RttP50Ms,
    double? RttP95Ms,
    double? Availability,
    int Probes);

public sealed record ChannelHealthReport(int InUse, int Peak, int Cap);

/// <summary>Calls refused by admission, by cause (the names of GET /api/channels).</summary>
public sealed record RejectionCounts(long ChannelCap, long CpsCap, long Allocation, long NoServer)
{
    public static readonly RejectionCounts None = new(0, 0, 0, 0);

    public long Total => ChannelCap + CpsCap + Allocation + NoServer;

    public RejectionCounts Minus(RejectionCounts earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new(ChannelCap - earlier.ChannelCap, CpsCap - earlier.CpsCap, Allocation - earlier.Allocation, NoServer - earlier.NoServer);
    }
}

/// <summary>
/// The labels of docs/architecture.md "Health", in the order they are tried (Dialer.Health's HealthReporter), and
/// pending.
/// </summary>
public static class HealthLabels
{
    public const string Disabled = "disabled";
    public const string Down = "down";
    public const string Full = "full";

    /// <summary>No enabled server of the trunk has been probed yet (a trunk just added, or the process just started).</summary>
    public const string Pending = "pending";
    public const string Degraded = "degraded";
    public const string Healthy = "healthy";
}

/// <summary>
/// A server's state change, kept as an event. <paramref name="Key"/> names what caused it the same way on every node
/// (the shared observation, or the peers version that disabled the server), so a cluster stores it once.
/// </summary>
public sealed record HealthEvent(string Trunk, string Server, string From, string To, string Cause, DateTimeOffset At,
    [property: JsonIgnore] string? Key = null);
