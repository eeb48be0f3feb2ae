using Dialer.Edge.Trunks;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>Channel cap, CPS cap and VICIdial allocations decided per call, exactly.</summary>
public sealed class AdmissionTests
{
    private static Trunk TrunkWith(int cap, int cps = 0) => PeerValidator.Trunk(new TrunkInput
    {
        Name = "carrier-a",
        ChannelCap = cap,
        CpsCap = cps,
        Servers = [new TrunkServerInput { Host = "192.0.2.10", Port = 5060 }],
    }, null);

    private static Campaign CampaignWith(string name, int reserved, AllocationRestriction restriction) =>
        new(name, "", true, [new Allocation("carrier-a", reserved, restriction)], 1);

    private static List<ChannelLease> Admit(TrunkChannels channels, Trunk trunk, Campaign[] campaigns, string? campaign, int calls, out List<RejectCause> refusals)
    {
        var leases = new List<ChannelLease>();
        refusals = [];
        for (var i = 0; i < calls; i++)
        {
            if (channels.TryAdmit(trunk, campaigns, campaign, out var lease) is { } cause)
            {
                refusals.Add(cause);
            }
            else
            {
                leases.Add(lease!);
            }
        }
        return leases;
    }

    [Test]
    public void ChannelCap_AdmitsExactlyTheCap_AndReleaseFreesOneOnce()
    {
        var ledger = new ChannelLedger(new ManualTimeProvider());
        var channels = ledger.For("carrier-a");
        var leases = Admit(channels, TrunkWith(3), [], null, 5, out var refusals);
        Assert.That(leases, Has.Count.EqualTo(3));
        Assert.That(refusals, Is.EqualTo(new[] { RejectCause.ChannelCap, RejectCause.ChannelCap }));
        Assert.That(leases[0].Release(), Is.True);
        Assert.That(leases[0].Release(), Is.False, "released exactly once");
        Assert.That(channels.InUse, Is.EqualTo(2));
        Assert.That(channels.Peak, Is.EqualTo(3));
        Assert.That(channels.TryAdmit(TrunkWith(3), [], null, out _), Is.Null);
    }

    [Test]
    public void LoweredCap_AppliesToNewCallsOnly()
    {
        var channels = new ChannelLedger(new ManualTimeProvider()).For("carrier-a");
        Admit(channels, TrunkWith(5), [], null, 5, out _);
        Assert.That(channels.TryAdmit(TrunkWith(3), [], null, out _), Is.EqualTo(RejectCause.ChannelCap));
        Assert.That(channels.InUse, Is.EqualTo(5), "calls in progress are untouched");
    }

    [Test]
    public void CpsCap_IsATokenBucketOnTheClock()
    {
        var clock = new ManualTimeProvider();
        var channels = new ChannelLedger(clock).For("carrier-a");
        var trunk = TrunkWith(100, cps: 5);
        Admit(channels, trunk, [], null, 8, out var refusals);
        Assert.That(refusals, Has.Count.EqualTo(3).And.All.EqualTo(RejectCause.CpsCap));
        clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.That(Admit(channels, trunk, [], null, 3, out _), Has.Count.EqualTo(2), "0.4 s at 5/s refills two tokens");
    }

    [Test]
    public void MaximumLimit_NeverPassesItsReservation_OverflowUsesTheUnreservedPool()
    {
        var channels = new ChannelLedger(new ManualTimeProvider()).For("carrier-a");
        var trunk = TrunkWith(10);
        Campaign[] campaigns = [CampaignWith("max", 3, AllocationRestriction.MaximumLimit), CampaignWith("over", 4, AllocationRestriction.OverflowAllowed)];
        Assert.That(Admit(channels, trunk, campaigns, "max", 5, out var maxRefusals), Has.Count.EqualTo(3));
        Assert.That(maxRefusals, Is.All.EqualTo(RejectCause.Allocation));
        // "over" has 4 reserved plus the unreserved pool of 10 - 7 = 3.
        Assert.That(Admit(channels, trunk, campaigns, "over", 9, out var overRefusals), Has.Count.EqualTo(7));
        Assert.That(overRefusals, Is.All.EqualTo(RejectCause.ChannelCap));
    }

    [Test]
    public void NoCampaignTakesAnothersFreeReservedChannels()
    {
        var channels = new ChannelLedger(new ManualTimeProvider()).For("carrier-a");
        var trunk = TrunkWith(10);
        Campaign[] campaigns = [CampaignWith("a", 6, AllocationRestriction.OverflowAllowed)];
        Assert.That(Admit(channels, trunk, campaigns, "b", 10, out var refusals), Has.Count.EqualTo(4), "b gets only the 4 unreserved");
        Assert.That(refusals, Is.All.EqualTo(RejectCause.Allocation));
        Assert.That(Admit(channels, trunk, campaigns, null, 1, out _), Is.Empty, "nor do calls without a campaign");
        Assert.That(Admit(channels, trunk, campaigns, "a", 10, out _), Has.Count.EqualTo(6), "a's reservation was kept free for it");
        var view = channels.View();
        Assert.That(view.Campaigns.Single(c => c.Campaign == "b").Shortage, Is.EqualTo(6));
    }

    [TestCase("max", 3)]
    [TestCase("over", 7)]
    [TestCase("other", 3)]
    [TestCase(null, 3)]
    public void RoomFor_IsExactlyWhatAdmissionWouldTake(string? campaign, int expected)
    {
        var channels = new ChannelLedger(new ManualTimeProvider()).For("carrier-a");
        var trunk = TrunkWith(10);
        Campaign[] campaigns = [CampaignWith("max", 3, AllocationRestriction.MaximumLimit), CampaignWith("over", 4, AllocationRestriction.OverflowAllowed)];
        Assert.That(channels.RoomFor(trunk, campaigns, campaign), Is.EqualTo(new CampaignRoom(0, expected)));
        var leases = Admit(channels, trunk, campaigns, campaign, expected + 2, out var refusals);
        Assert.That(leases, Has.Count.EqualTo(expected), "admission takes exactly the room it reported");
        Assert.That(refusals, Has.Count.EqualTo(2));
        Assert.That(channels.RoomFor(trunk, campaigns, campaign), Is.EqualTo(new CampaignRoom(campaign is null ? 0 : expected, 0)));
        leases[0].Release();
        Assert.That(channels.RoomFor(trunk, campaigns, campaign).Available, Is.EqualTo(1), "a released channel is room again");
    }

    [Test]
    public void RoomFor_HoldsTheServerWideCap()
    {
        var ledger = new ChannelLedger(new ManualTimeProvider(), maxChannels: 4);
        Admit(ledger.For("carrier-a"), TrunkWith(3), [], null, 3, out _);
        var other = PeerValidator.Trunk(new TrunkInput { Name = "carrier-b", ChannelCap = 3, Servers = [new TrunkServerInput { Host = "192.0.2.11" }] }, null);
        Assert.That(ledger.RoomFor(other, [], null).Available, Is.EqualTo(1), "one channel left server-wide");
    }

    [Test]
    public void ServerWideCap_HoldsAcrossTrunks()
    {
        var ledger = new ChannelLedger(new ManualTimeProvider(), maxChannels: 4);
        Admit(ledger.For("carrier-a"), TrunkWith(3), [], null, 3, out _);
        var other = PeerValidator.Trunk(new TrunkInput { Name = "carrier-b", ChannelCap = 3, Servers = [new TrunkServerInput { Host = "192.0.2.11" }] }, null);
        Assert.That(Admit(ledger.For("carrier-b"), other, [], null, 3, out _), Has.Count.EqualTo(1));
        Assert.That(ledger.InUse, Is.EqualTo(4));
    }

    [Test]
    public void ConcurrentAdmissions_NeverPassTheCap()
    {
        var channels = new ChannelLedger(new ManualTimeProvider()).For("carrier-a");
        var trunk = TrunkWith(20);
        var peakSeen = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            if (channels.TryAdmit(trunk, [], null, out var lease) is null)
            {
                var inUse = channels.InUse;
                InterlockedMax(ref peakSeen, inUse);
                lease!.Release();
                lease.Release();
            }
        });
        Assert.That(peakSeen, Is.LessThanOrEqualTo(20));
        Assert.That(channels.InUse, Is.Zero);
        Assert.That(channels.Peak, Is.LessThanOrEqualTo(20));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
