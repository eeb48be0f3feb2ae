using System.Text;
using Dapper;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class TrunkRepositoryTests : RepositoryFixture
{
    [Test]
    public async Task Create_ThenGet_RoundTripsEveryFieldIncludingIpv6()
    {
        var input = SampleInputs.Trunk(Unique("rt"));
        var written = PeerValidator.Trunk(input, null);
        var created = await Repository.CreateTrunkAsync(written, "test");
        var read = await Repository.GetTrunkAsync(input.Name!);
        Assert.That(read, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(read!.Acl.Select(c => c.ToString()), Is.EqualTo(new[] { "203.0.113.0/24", "2001:db8:10::/48" }));
            Assert.That(read.Servers, Is.EqualTo(written.Servers));
            Assert.That(read.Servers[1].Host, Is.EqualTo("2001:db8::10"));
            Assert.That(read.Servers[2].Port, Is.Null);
            Assert.That(read.Servers.Select(s => s.DnsOrder), Is.EqualTo(new[] { DnsOrder.Rfc3263, DnsOrder.Rfc3263, DnsOrder.AFirst }), "dns_order stored");
            Assert.That(read.Auth, Is.EqualTo(new TrunkAuth("dialer", "s3cret!")));
            Assert.That(read.RuriTransform, Is.EqualTo(new RuriTransform(1, "0044", "user=phone")));
            Assert.That(read.Probe, Is.EqualTo(written.Probe));
            Assert.That(read with { Acl = [], Servers = [], Codecs = [] }, Is.EqualTo(created with { Acl = [], Servers = [], Codecs = [] }));
            Assert.That(read.Codecs, Is.EqualTo(written.Codecs));
        });
    }

    [Test]
    public async Task Secret_IsEncryptedAtRestAndReadsBackEqual()
    {
        var input = SampleInputs.Trunk(Unique("sec"));
        input.Auth!.Password = "carrier-password-123";
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), "test");
        await using var connection = await Db.Database.OpenAsync();
        var stored = await connection.ExecuteScalarAsync<byte[]>("SELECT auth_secret FROM trunks WHERE name = @Name", new { input.Name });
        Assert.That(stored, Is.Not.EqualTo(Encoding.UTF8.GetBytes("carrier-password-123")));
        Assert.That(Encoding.UTF8.GetString(stored), Does.Not.Contain("carrier-password"));
        Assert.That((await Repository.GetTrunkAsync(input.Name!))!.Auth!.Password, Is.EqualTo("carrier-password-123"));
        var audit = string.Join("|", await connection.QueryAsync<string>("SELECT CONCAT_WS('|', before_json, after_json) FROM audit_log"));
        Assert.That(audit, Does.Not.Contain("carrier-password-123"));
    }

    [Test]
    public async Task Replace_WithoutPassword_KeepsTheStoredSecret()
    {
        var input = SampleInputs.Trunk(Unique("keep"));
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), "test");
        input.Auth!.Password = null;
        input.ChannelCap = 12;
        var replaced = await Repository.ReplaceTrunkAsync(PeerValidator.Trunk(input, input.Name), null, "test");
        Assert.That(replaced.Auth!.Password, Is.EqualTo("s3cret!"));
        Assert.That(replaced.ChannelCap, Is.EqualTo(12));
        input.Auth = null;
        Assert.That((await Repository.ReplaceTrunkAsync(PeerValidator.Trunk(input, input.Name), null, "test")).Auth, Is.Null);
    }

    [Test]
    public async Task SqlMetacharacters_InEveryStringField_AreStoredVerbatim()
    {
        const string Nasty = "x'; DROP TABLE trunks; -- \" \\ %_`";
        var input = SampleInputs.Trunk(Unique("meta"));
        input.Description = Nasty;
        input.Auth = new TrunkAuthInput { Username = Nasty, Password = Nasty };
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), "test");
        var read = await Repository.GetTrunkAsync(input.Name!);
        Assert.That(read!.Description, Is.EqualTo(Nasty));
        Assert.That(read.Auth, Is.EqualTo(new TrunkAuth(Nasty, Nasty)));
        var phone = SampleInputs.Phone(UniqueExtension());
        phone.DisplayName = Nasty;
        phone.Password = Nasty;
        await Repository.CreatePhoneAsync(PeerValidator.Phone(phone, null, null, Defaults), "test");
        Assert.That((await Repository.GetPhoneAsync(phone.Extension!))!.DisplayName, Is.EqualTo(Nasty));
        Assert.That((await Repository.ListTrunksAsync(new PageQuery(Search: Nasty))).Total, Is.EqualTo(1));
        Assert.That(await Repository.GetTrunkAsync(Nasty), Is.Null);
    }

    [Test]
    public async Task DialPrefix_BelongsToOneTrunkOnly()
    {
        var first = SampleInputs.Trunk(Unique("pfx"));
        first.DialPrefix = "7" + Random.Shared.Next(1000, 9999);
        await Repository.CreateTrunkAsync(PeerValidator.Trunk(first, null), "test");
        var second = SampleInputs.Trunk(Unique("pfx"));
        second.DialPrefix = first.DialPrefix;
        var error = await Assert.ThrowsAsync<PeerValidationException>(() => Repository.CreateTrunkAsync(PeerValidator.Trunk(second, null), "test"));
        Assert.That(error!.Errors["dialPrefix"][0], Does.Contain(first.Name));
    }

    [Test]
    public async Task Delete_RemovesServersAndAcl()
    {
        var input = SampleInputs.Trunk(Unique("del"));
        var created = await Repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), "test");
        await Repository.DeleteTrunkAsync(input.Name!, created.Version, "test");
        Assert.That(await Repository.GetTrunkAsync(input.Name!), Is.Null);
        await using var connection = await Db.Database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM trunk_servers s LEFT JOIN trunks t ON t.id = s.trunk_id WHERE t.id IS NULL"), Is.Zero);
        await Assert.ThrowsAsync<PeerNotFoundException>(() => Repository.DeleteTrunkAsync(input.Name!, null, "test"));
    }
}
