using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class ConcurrencyTests : RepositoryFixture
{
    [Test]
    public async Task TwoReplacesWithTheSameVersion_ExactlyOneWins()
    {
        var input = SampleInputs.Trunk(Unique("race"));
        var created = await Repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), "test");
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            var change = SampleInputs.Trunk(input.Name!);
            change.Description = $"writer {i}";
            try
            {
                await Repository.ReplaceTrunkAsync(PeerValidator.Trunk(change, input.Name), created.Version, "test");
                return true;
            }
            catch (VersionMismatchException)
            {
                return false;
            }
        });
        var results = await Task.WhenAll(attempts);
        Assert.That(results.Count(won => won), Is.EqualTo(1));
        Assert.That((await Repository.GetTrunkAsync(input.Name!))!.Description, Does.StartWith("writer "));
    }

    [Test]
    public async Task CampaignsRacingForReservations_NeverPassTheCap()
    {
        var trunk = SampleInputs.Trunk(Unique("pool"), 10);
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(trunk, null), "test");
        var attempts = Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                await Repository.CreateCampaignAsync(PeerValidator.Campaign(new CampaignInput
                {
                    Name = Unique($"r{i}"),
                    Allocations = [new AllocationInput { Trunk = trunk.Name, Reserved = 3, Restriction = "MAXIMUM_LIMIT" }],
                }, null), "test");
                return true;
            }
            catch (PeerValidationException)
            {
                return false;
            }
        });
        var results = await Task.WhenAll(attempts);
        Assert.That(results.Count(ok => ok), Is.EqualTo(3), "3 x 3 fits in 10, a fourth does not");
        var reserved = (await Repository.ListCampaignsAsync(new PageQuery(PageQuery.MaxLimit)))
            .Items.SelectMany(c => c.Allocations).Where(a => a.Trunk == trunk.Name).Sum(a => a.Reserved);
        Assert.That(reserved, Is.EqualTo(9));
    }
}
