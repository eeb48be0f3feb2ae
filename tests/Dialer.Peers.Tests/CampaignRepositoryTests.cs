using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class CampaignRepositoryTests : RepositoryFixture
{
    private async Task<string> NewTrunkAsync(int cap)
    {
        var input = SampleInputs.Trunk(Unique("cap"), cap);
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), "test");
        return input.Name!;
    }

    private static Campaign CampaignOn(string name, params (string Trunk, int Reserved, string Restriction)[] allocations) =>
        PeerValidator.Campaign(new CampaignInput
        {
            Name = name,
            Allocations = [.. allocations.Select(a => new AllocationInput { Trunk = a.Trunk, Reserved = a.Reserved, Restriction = a.Restriction })],
        }, null);

    [Test]
    public async Task Create_RoundTripsAllocations()
    {
        var a = await NewTrunkAsync(10);
        var b = await NewTrunkAsync(10);
        var name = Unique("camp");
        await Repository.CreateCampaignAsync(CampaignOn(name, (a, 4, "MAXIMUM_LIMIT"), (b, 0, "OVERFLOW_ALLOWED")), "test");
        var read = await Repository.GetCampaignAsync(name);
        Assert.That(read!.Allocations, Is.EquivalentTo(new[]
        {
            new Allocation(a, 4, AllocationRestriction.MaximumLimit),
            new Allocation(b, 0, AllocationRestriction.OverflowAllowed),
        }));
    }

    [Test]
    public async Task LeadRecycling_DefaultsAndRoundTrips_AndReplaceChangesIt()
    {
        var name = Unique("recycle");
        var created = await Repository.CreateCampaignAsync(CampaignOn(name), "test");
        Assert.That(created.Recycling, Is.EqualTo(LeadRecycling.Default));
        Assert.That((await Repository.GetCampaignAsync(name))!.Recycling, Is.EqualTo(new LeadRecycling(1, 300)));
        var input = new CampaignInput { Name = name, Retries = 3, RetryDelaySeconds = 900 };
        await Repository.ReplaceCampaignAsync(PeerValidator.Campaign(input, name), null, "test");
        Assert.That((await Repository.GetCampaignAsync(name))!.Recycling, Is.EqualTo(new LeadRecycling(3, 900)));
    }

    [Test]
    public async Task Reservations_OnATrunk_NeverSumPastItsCap()
    {
        var trunk = await NewTrunkAsync(10);
        await Repository.CreateCampaignAsync(CampaignOn(Unique("c1"), (trunk, 6, "MAXIMUM_LIMIT")), "test");
        var second = Unique("c2");
        var error = await Assert.ThrowsAsync<PeerValidationException>(() =>
            Repository.CreateCampaignAsync(CampaignOn(second, (trunk, 5, "OVERFLOW_ALLOWED")), "test"));
        Assert.That(error!.Errors["allocations[0].reserved"][0], Does.Contain("at most 4"));
        Assert.That(await Repository.GetCampaignAsync(second), Is.Null, "the whole create rolled back");
        await Repository.CreateCampaignAsync(CampaignOn(second, (trunk, 4, "OVERFLOW_ALLOWED")), "test");
    }

    [Test]
    public async Task SetAllocation_ReplacesTheCampaignsOwnReservation()
    {
        var trunk = await NewTrunkAsync(10);
        var name = Unique("own");
        await Repository.CreateCampaignAsync(CampaignOn(name, (trunk, 8, "MAXIMUM_LIMIT")), "test");
        var changed = await Repository.SetAllocationAsync(name, new Allocation(trunk, 10, AllocationRestriction.OverflowAllowed), "test");
        Assert.That(changed.Allocations, Is.EqualTo(new[] { new Allocation(trunk, 10, AllocationRestriction.OverflowAllowed) }));
        var removed = await Repository.RemoveAllocationAsync(name, trunk, "test");
        Assert.That(removed.Allocations, Is.Empty);
        await Assert.ThrowsAsync<PeerNotFoundException>(() => Repository.RemoveAllocationAsync(name, trunk, "test"));
    }

    [Test]
    public async Task LoweringATrunkCap_BelowItsReservations_IsRefused()
    {
        var input = SampleInputs.Trunk(Unique("low"), 10);
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), "test");
        await Repository.CreateCampaignAsync(CampaignOn(Unique("c"), (input.Name!, 7, "MAXIMUM_LIMIT")), "test");
        input.ChannelCap = 6;
        var error = await Assert.ThrowsAsync<PeerValidationException>(() => Repository.ReplaceTrunkAsync(PeerValidator.Trunk(input, input.Name), null, "test"));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "channelCap" }));
    }

    [Test]
    public async Task DeletingAnAllocatedTrunk_IsAConflictNamingTheCampaign()
    {
        var trunk = await NewTrunkAsync(5);
        var campaign = Unique("hold");
        await Repository.CreateCampaignAsync(CampaignOn(campaign, (trunk, 1, "MAXIMUM_LIMIT")), "test");
        var error = await Assert.ThrowsAsync<PeerConflictException>(() => Repository.DeleteTrunkAsync(trunk, null, "test"));
        Assert.That(error!.Message, Does.Contain(campaign));
        await Repository.DeleteCampaignAsync(campaign, null, "test");
        await Repository.DeleteTrunkAsync(trunk, null, "test");
    }

    [Test]
    public async Task UnknownTrunk_InAnAllocation_IsNamed()
    {
        var error = await Assert.ThrowsAsync<PeerValidationException>(() =>
            Repository.CreateCampaignAsync(CampaignOn(Unique("x"), ("no-such-trunk", 1, "MAXIMUM_LIMIT")), "test"));
        Assert.That(error!.Errors["allocations[0].trunk"][0], Does.Contain("no-such-trunk"));
    }
}
