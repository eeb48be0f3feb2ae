using Dapper;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

/// <summary>A trunk's TLS checks (issue 14, sql/013_trunk_tls.sql): stored, read back, replaced, audited; validation names the field.</summary>
public sealed class TrunkTlsTests : RepositoryFixture
{
    private static TrunkInput TlsTrunk(string name, TrunkTlsInput? tls)
    {
        var input = SampleInputs.Trunk(name);
        input.Servers = [new TrunkServerInput { Host = "sip.carrier.example", Port = 5061, Transport = "tls", Scheme = "sips" }];
        input.Tls = tls;
        return input;
    }

    [Test]
    public async Task TlsChecks_RoundTrip_AndAreReplacedAndAudited()
    {
        var name = Unique("tls");
        var created = await Repository.CreateTrunkAsync(
            PeerValidator.Trunk(TlsTrunk(name, new TrunkTlsInput { CaFile = "/etc/dialer/ca.pem", ServerName = "SIP.Carrier.Example" }), null), "test");
        var read = await Repository.GetTrunkAsync(name);
        Assert.That(read!.Tls, Is.EqualTo(new TrunkTls("/etc/dialer/ca.pem", false, "sip.carrier.example")));
        Assert.That(read, Is.EqualTo(created with { Codecs = read.Codecs, Acl = read.Acl, Servers = read.Servers }));

        await Repository.ReplaceTrunkAsync(PeerValidator.Trunk(TlsTrunk(name, new TrunkTlsInput { SkipVerify = true }), name), null, "test");
        Assert.That((await Repository.GetTrunkAsync(name))!.Tls, Is.EqualTo(new TrunkTls("", true, "")));
        await using var connection = await Db.Database.OpenAsync();
        var after = await connection.ExecuteScalarAsync<string>(
            "SELECT after_json FROM audit_log WHERE entity_key = @name AND action = 'update'", new { name });
        Assert.That(after, Does.Contain("\"SkipVerify\":true").Or.Contain("\"skipVerify\":true"));
    }

    [Test]
    public void NoTlsObject_MeansSystemStoreAndHostName()
    {
        var trunk = PeerValidator.Trunk(TlsTrunk("t", null), null);
        Assert.That(trunk.Tls, Is.EqualTo(TrunkTls.Default));
        Assert.That(trunk.Tls.NameFor(trunk.Servers[0]), Is.EqualTo("sip.carrier.example"));
    }

    [TestCase("relative/ca.pem", null, null, "tls.caFile")]
    [TestCase("/etc/dialer/ca.pem", true, null, "tls.skipVerify")]
    [TestCase(null, null, "not a host!", "tls.serverName")]
    public void BadTls_IsRefusedNamingTheField(string? caFile, bool? skip, string? serverName, string field)
    {
        var error = Assert.Throws<PeerValidationException>(() =>
            PeerValidator.Trunk(TlsTrunk("t", new TrunkTlsInput { CaFile = caFile, SkipVerify = skip, ServerName = serverName }), null));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { field }));
    }
}
