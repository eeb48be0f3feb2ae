using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Dialer.Health.Tests;

/// <summary>GET /api/health's stored reports with the channels in use now, from the edge's ledger.</summary>
public sealed class LiveChannelsTests
{
    private static readonly Trunk s_trunk = new("carrier-a", "", 30, 0, ["PCMU"], "9", [], null, CallOriginHeader.Pai, RuriTransform.None, "", "",
        ProbePolicy.Default, [], Active: true, Version: 1);

    private static readonly HealthReport s_stored = new("carrier-a", HealthLabels.Healthy, "the server is up", DateTimeOffset.UnixEpoch, 60, [],
        new ChannelHealthReport(InUse: 4, Peak: 9, Cap: 20), new RejectionCounts(1, 0, 0, 0), 1);

    private sealed class Ledger(TrunkChannelFigures? figures) : ITrunkChannelFigures
    {
        public TrunkChannelFigures? Figures(string trunk) => figures;
    }

    private static HealthReport Live(ITrunkChannelFigures? channels, HealthReport? stored = null)
    {
        using var monitor = new HealthMonitor(new TrunkStatusBoard(), new PeerSnapshotSource(), TimeProvider.System, NullLogger<HealthMonitor>.Instance);
        return new HealthReporter(monitor, channels, TimeProvider.System).WithLiveChannels(stored ?? s_stored, s_trunk);
    }

    [Test]
    public void StoredReport_ShowsTheChannelsInUseNow_KeepingItsPeakAndTheCurrentCap()
    {
        var live = Live(new Ledger(new TrunkChannelFigures(InUse: 7, Peak: 12, RejectionCounts.None, 0)));
        Assert.That(live.Channels, Is.EqualTo(new ChannelHealthReport(InUse: 7, Peak: 9, Cap: 30)));
        Assert.That(live with { Channels = s_stored.Channels }, Is.EqualTo(s_stored), "label, reason, rejections and time stay the report's");
    }

    [Test]
    public void MoreInUseNowThanTheReportedPeak_RaisesThePeak() =>
        Assert.That(Live(new Ledger(new TrunkChannelFigures(InUse: 11, Peak: 11, RejectionCounts.None, 0))).Channels,
            Is.EqualTo(new ChannelHealthReport(InUse: 11, Peak: 11, Cap: 30)));

    [Test]
    public void NoCallOnTheTrunkInThisEdge_IsNoneInUse() =>
        Assert.That(Live(new Ledger(null)).Channels, Is.EqualTo(new ChannelHealthReport(InUse: 0, Peak: 9, Cap: 30)));

    [Test]
    public void WithoutALedger_TheReportIsAsStored() =>
        Assert.That(Live(null), Is.SameAs(s_stored));
}
