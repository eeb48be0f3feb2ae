using Dapper;
using Dialer.Peers.Security;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class PhoneRepositoryTests : RepositoryFixture
{
    [Test]
    public async Task Create_ThenGet_RoundTripsEveryField()
    {
        var input = SampleInputs.Phone(UniqueExtension());
        input.Codecs = ["opus", "G722", "PCMU", "telephone-event"];
        var created = await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        var read = await Repository.GetPhoneAsync(input.Extension!);
        Assert.That(read, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(read!.Extension, Is.EqualTo(input.Extension));
            Assert.That(read.DisplayName, Is.EqualTo("Agent"));
            Assert.That(read.Codecs, Is.EqualTo(new[] { "opus", "G722", "PCMU", "telephone-event" }));
            Assert.That(read.MaxContacts, Is.EqualTo(2));
            Assert.That(read.Credentials, Is.EqualTo(created.Credentials));
            Assert.That(read.Credentials.Ha1Md5, Is.EqualTo(DigestHa1.Md5(input.Extension!, "pbx.example", input.Password!)));
            Assert.That(read.Version, Is.EqualTo(created.Version).And.GreaterThan(0));
        });
    }

    [Test]
    public async Task OutboundTrunksAndCallerId_RoundTripAsTheTrunksSpellThem_AndAreAudited()
    {
        var trunkA = Unique("out-a");
        var trunkB = Unique("out-b");
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(SampleInputs.Trunk(trunkA), null), "test");
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(SampleInputs.Trunk(trunkB), null), "test");
        var input = SampleInputs.Phone(UniqueExtension());
        input.OutboundTrunks = [trunkB.ToUpperInvariant(), trunkA];
        input.CallerId = "+15550100";
        var created = await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        var read = await Repository.GetPhoneAsync(input.Extension!);
        Assert.Multiple(() =>
        {
            Assert.That(created.OutboundTrunks, Is.EqualTo(new[] { trunkB, trunkA }));
            Assert.That(read!.OutboundTrunks, Is.EqualTo(new[] { trunkB, trunkA }), "stored in the given order, spelled as the trunks are");
            Assert.That(read.CallerId, Is.EqualTo("+15550100"));
            Assert.That(read.MayUseTrunk(trunkA), Is.True);
            Assert.That(read.MayUseTrunk("other"), Is.False);
        });

        input.Password = null;
        input.OutboundTrunks = ["*"];
        input.CallerId = "anonymous";
        await Repository.ReplacePhoneAsync(PeerValidator.Phone(input, input.Extension, read, Defaults), null, "test");
        var all = (await Repository.GetPhoneAsync(input.Extension!))!;
        Assert.That(all.OutboundTrunks, Is.EqualTo(new[] { "*" }));
        Assert.That(all.CallerId, Is.EqualTo("anonymous"));
        Assert.That(all.MayUseTrunk(Unique("any")), Is.True);

        input.OutboundTrunks = null;
        input.CallerId = null;
        await Repository.ReplacePhoneAsync(PeerValidator.Phone(input, input.Extension, all, Defaults), null, "test");
        var none = (await Repository.GetPhoneAsync(input.Extension!))!;
        Assert.That(none.OutboundTrunks, Is.Empty);
        Assert.That(none.CallerId, Is.Empty);
        Assert.That(none.MayUseTrunk(trunkA), Is.False);

        var audit = await Repository.ListAuditAsync("phone", input.Extension, 10, null);
        Assert.That(audit.Select(e => e.AfterJson), Has.Some.Contains($"\"outboundTrunks\":[\"{trunkB}\",\"{trunkA}\"]"));
        Assert.That(audit.Select(e => e.AfterJson), Has.Some.Contains("\"callerId\":\"anonymous\""));
        Assert.That(audit[0].BeforeJson, Does.Contain("\"outboundTrunks\":[\"*\"]"));
    }

    [Test]
    public async Task DigestAlgorithms_RoundTripInOfferOrder_AreAudited_AndAReplaceWithoutThemMeansTheServerDefault()
    {
        var input = SampleInputs.Phone(UniqueExtension());
        var plain = await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        Assert.That(plain.DigestAlgorithms, Is.Empty);
        Assert.That((await Repository.GetPhoneAsync(input.Extension!))!.DigestAlgorithms, Is.Empty, "'' in the column is the server default");

        input.Password = null;
        input.DigestAlgorithms = ["sha-256", "md5"];
        var replaced = await Repository.ReplacePhoneAsync(PeerValidator.Phone(input, input.Extension, plain, Defaults), null, "test");
        var read = (await Repository.GetPhoneAsync(input.Extension!))!;
        Assert.Multiple(() =>
        {
            Assert.That(replaced.DigestAlgorithms, Is.EqualTo(new[] { "SHA-256", "MD5" }));
            Assert.That(read.DigestAlgorithms, Is.EqualTo(new[] { "SHA-256", "MD5" }), "canonical names, in the order given");
            Assert.That(read.Credentials, Is.EqualTo(plain.Credentials), "the algorithms offered do not touch the stored HA1s");
        });

        input.DigestAlgorithms = null;
        await Repository.ReplacePhoneAsync(PeerValidator.Phone(input, input.Extension, read, Defaults), null, "test");
        Assert.That((await Repository.GetPhoneAsync(input.Extension!))!.DigestAlgorithms, Is.Empty);

        var audit = await Repository.ListAuditAsync("phone", input.Extension, 10, null);
        Assert.That(audit[0].BeforeJson, Does.Contain("\"digestAlgorithms\":[\"SHA-256\",\"MD5\"]"));
        Assert.That(audit[0].AfterJson, Does.Contain("\"digestAlgorithms\":[]"));
    }

    [Test]
    public async Task OutboundTrunk_ThatDoesNotExist_IsAnErrorNamingTheElement_AndStoresNothing()
    {
        var trunk = Unique("known");
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(SampleInputs.Trunk(trunk), null), "test");
        var input = SampleInputs.Phone(UniqueExtension());
        input.OutboundTrunks = [trunk, Unique("ghost")];
        var error = await Assert.ThrowsAsync<PeerValidationException>(() =>
            Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test"));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "outboundTrunks[1]" }));
        Assert.That(await Repository.GetPhoneAsync(input.Extension!), Is.Null);
    }

    [Test]
    public async Task DeleteTrunk_NamedByAPhone_IsAConflict_ButAllTrunksIsNoReference()
    {
        var named = Unique("held");
        var free = Unique("free");
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(SampleInputs.Trunk(named), null), "test");
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(SampleInputs.Trunk(free), null), "test");
        var holder = SampleInputs.Phone(UniqueExtension());
        holder.OutboundTrunks = [named];
        await Repository.CreatePhoneAsync(PeerValidator.Phone(holder, null, null, Defaults), "test");
        var everything = SampleInputs.Phone(UniqueExtension());
        everything.OutboundTrunks = ["*"];
        await Repository.CreatePhoneAsync(PeerValidator.Phone(everything, null, null, Defaults), "test");

        var conflict = await Assert.ThrowsAsync<PeerConflictException>(() => Repository.DeleteTrunkAsync(named, null, "test"));
        Assert.That(conflict!.Message, Does.Contain(holder.Extension));
        Assert.That(await Repository.GetTrunkAsync(named), Is.Not.Null);
        await Repository.DeleteTrunkAsync(free, null, "test");
        Assert.That(await Repository.GetTrunkAsync(free), Is.Null);
    }

    [Test]
    public async Task Create_NeverStoresThePassword()
    {
        var input = SampleInputs.Phone(UniqueExtension());
        input.Password = "plain-text-never-stored";
        await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        await using var connection = await Db.Database.OpenAsync();
        var phones = string.Join("|", await connection.QueryAsync<string>(
            "SELECT CONCAT_WS('|', extension, display_name, auth_username, realm, ha1_md5, ha1_sha256, codecs) FROM phones"));
        var audit = string.Join("|", await connection.QueryAsync<string>("SELECT CONCAT_WS('|', before_json, after_json) FROM audit_log"));
        Assert.That(phones + audit, Does.Not.Contain("plain-text-never-stored"));
        Assert.That(phones, Does.Contain(DigestHa1.Md5(input.Extension!, "pbx.example", input.Password)));
        Assert.That(audit, Does.Not.Contain(DigestHa1.Md5(input.Extension!, "pbx.example", input.Password)), "audit masks digests");
    }

    [Test]
    public async Task Create_Duplicate_IsAConflictOnExtension()
    {
        var draft = PeerValidator.Phone(SampleInputs.Phone(UniqueExtension()), null, null, Defaults);
        await Repository.CreatePhoneAsync(draft, "test");
        var error = await Assert.ThrowsAsync<PeerConflictException>(() => Repository.CreatePhoneAsync(draft, "test"));
        Assert.That(error!.Field, Is.EqualTo("extension"));
    }

    [Test]
    public async Task Replace_WithStaleVersion_IsRefusedAndChangesNothing()
    {
        var input = SampleInputs.Phone(UniqueExtension());
        var created = await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        input.DisplayName = "first";
        var updated = await Repository.ReplacePhoneAsync(PeerValidator.Phone(input, input.Extension, created, Defaults), created.Version, "test");
        input.DisplayName = "second";
        var stale = await Assert.ThrowsAsync<VersionMismatchException>(() =>
            Repository.ReplacePhoneAsync(PeerValidator.Phone(input, input.Extension, created, Defaults), created.Version, "test"));
        Assert.That(stale!.CurrentVersion, Is.EqualTo(updated.Version));
        Assert.That((await Repository.GetPhoneAsync(input.Extension!))!.DisplayName, Is.EqualTo("first"));
    }

    [Test]
    public async Task Replace_WithoutPassword_KeepsTheDigests()
    {
        var input = SampleInputs.Phone(UniqueExtension());
        var created = await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        input.Password = null;
        input.MaxContacts = 5;
        var updated = await Repository.ReplacePhoneAsync(PeerValidator.Phone(input, input.Extension, created, Defaults), null, "test");
        Assert.That(updated.Credentials, Is.EqualTo(created.Credentials));
        Assert.That((await Repository.GetPhoneAsync(input.Extension!))!.MaxContacts, Is.EqualTo(5));
    }

    [Test]
    public async Task EveryWrite_RaisesTheRepositoryVersion()
    {
        var before = await Repository.VersionAsync();
        var input = SampleInputs.Phone(UniqueExtension());
        var created = await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        var afterCreate = await Repository.VersionAsync();
        await Repository.DeletePhoneAsync(input.Extension!, created.Version, "test");
        Assert.That(afterCreate, Is.GreaterThan(before));
        Assert.That(await Repository.VersionAsync(), Is.GreaterThan(afterCreate));
        Assert.That(await Repository.GetPhoneAsync(input.Extension!), Is.Null);
    }

    [Test]
    public async Task List_PagesAndFilters()
    {
        var marker = Unique("pager");
        for (var i = 0; i < 5; i++)
        {
            var input = SampleInputs.Phone(UniqueExtension());
            input.DisplayName = $"{marker} {i}";
            input.Active = i % 2 == 0;
            await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        }
        var firstPage = await Repository.ListPhonesAsync(new PageQuery(Limit: 2, Search: marker));
        var rest = await Repository.ListPhonesAsync(new PageQuery(Limit: 10, Offset: 2, Search: marker));
        var inactive = await Repository.ListPhonesAsync(new PageQuery(Active: false, Search: marker));
        Assert.Multiple(() =>
        {
            Assert.That(firstPage.Total, Is.EqualTo(5));
            Assert.That(firstPage.Items, Has.Count.EqualTo(2));
            Assert.That(rest.Items, Has.Count.EqualTo(3));
            Assert.That(firstPage.Items.Concat(rest.Items).Select(p => p.Extension).Distinct().Count(), Is.EqualTo(5));
            Assert.That(inactive.Total, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Search_TreatsLikeWildcardsLiterally()
    {
        var input = SampleInputs.Phone(UniqueExtension());
        input.DisplayName = "100% agent_x";
        await Repository.CreatePhoneAsync(PeerValidator.Phone(input, null, null, Defaults), "test");
        Assert.That((await Repository.ListPhonesAsync(new PageQuery(Search: "100% agent_x"))).Total, Is.EqualTo(1));
        Assert.That((await Repository.ListPhonesAsync(new PageQuery(Search: "%"))).Items.Select(p => p.DisplayName), Is.All.Contains("%"));
    }
}
