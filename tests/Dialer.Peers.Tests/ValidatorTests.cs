using Dialer.Peers.Model;
using Dialer.Peers.Security;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class ValidatorTests
{
    private static readonly PeerDefaults s_defaults = new("pbx.example");

    [Test]
    public void Phone_FillsDefaultsAndStoresOnlyDigests()
    {
        var draft = PeerValidator.Phone(new PhoneInput { Extension = "2001", Password = "long enough" }, null, null, s_defaults);
        Assert.Multiple(() =>
        {
            Assert.That(draft.AuthUsername, Is.EqualTo("2001"));
            Assert.That(draft.Realm, Is.EqualTo("pbx.example"));
            Assert.That(draft.Codecs, Is.EqualTo(new[] { "PCMU", "PCMA" }));
            Assert.That(draft.MaxContacts, Is.EqualTo(1));
            Assert.That(draft.Active, Is.True);
            Assert.That(draft.Credentials!.Ha1Md5, Is.EqualTo(DigestHa1.Md5("2001", "pbx.example", "long enough")));
            Assert.That(draft.Credentials.Ha1Sha256, Is.EqualTo(DigestHa1.Sha256("2001", "pbx.example", "long enough")));
            Assert.That(draft.ToString(), Does.Not.Contain(draft.Credentials.Ha1Md5));
        });
    }

    [Test]
    public void Phone_CodecsAreCanonicalAndKeepTheirOrder()
    {
        var input = SampleInputs.Phone();
        input.Codecs = ["g722", "OPUS", "pcmu", "Telephone-Event"];
        Assert.That(PeerValidator.Phone(input, null, null, s_defaults).Codecs, Is.EqualTo(new[] { "G722", "opus", "PCMU", "telephone-event" }));
    }

    [Test]
    public void Phone_ReplaceWithoutPassword_KeepsCredentialsUnlessRealmChanges()
    {
        var created = PeerValidator.Phone(SampleInputs.Phone(), null, null, s_defaults);
        var stored = new Phone(created.Extension, "", created.AuthUsername, created.Realm, created.Credentials!, created.Codecs, 1, true, 7);
        var keep = SampleInputs.Phone();
        keep.Password = null;
        Assert.That(PeerValidator.Phone(keep, "1001", stored, s_defaults).Credentials, Is.Null);
        keep.Realm = "other.example";
        var error = Assert.Throws<PeerValidationException>(() => PeerValidator.Phone(keep, "1001", stored, s_defaults));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "password" }));
    }

    [Test]
    public void Trunk_NormalizesHostsParamsAndDefaults()
    {
        var input = new TrunkInput
        {
            Name = "t",
            ChannelCap = 5,
            RuriTransform = new RuriTransformInput { Params = ";user=phone" },
            Servers = [new TrunkServerInput { Host = "[2001:DB8::1]" }],
        };
        var trunk = PeerValidator.Trunk(input, null);
        Assert.Multiple(() =>
        {
            Assert.That(trunk.Servers[0].Host, Is.EqualTo("2001:db8::1"));
            Assert.That(trunk.Servers[0].Port, Is.Null, "no port means SRV lookup");
            Assert.That(trunk.Servers[0].Transport, Is.EqualTo(SipTransport.Udp));
            Assert.That(trunk.RuriTransform.Params, Is.EqualTo("user=phone"));
            Assert.That(trunk.Probe, Is.EqualTo(ProbePolicy.Default));
            Assert.That(trunk.CallOriginHeader, Is.EqualTo(CallOriginHeader.Pai));
            Assert.That(trunk.CpsCap, Is.Zero);
        });
    }

    [TestCase("200-499", 404, true)]
    [TestCase("200-499", 503, false)]
    [TestCase("200,403, 404", 403, true)]
    [TestCase("200,403,404", 405, false)]
    public void ReplyCodeSet_MatchesCodesAndRanges(string text, int code, bool alive)
    {
        Assert.That(ReplyCodeSet.TryParse(text, out var set), Is.True);
        Assert.That(set!.Contains(code), Is.EqualTo(alive));
    }

    [TestCase("")]
    [TestCase("99")]
    [TestCase("700")]
    [TestCase("300-200")]
    [TestCase("200-")]
    [TestCase("2xx")]
    public void ReplyCodeSet_RejectsNonsense(string text)
    {
        Assert.That(ReplyCodeSet.TryParse(text, out _), Is.False);
    }
}
