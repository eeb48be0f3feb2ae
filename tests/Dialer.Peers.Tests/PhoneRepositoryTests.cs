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
