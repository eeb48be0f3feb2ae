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
        var stored = new Phone(created.Extension, "", created.AuthUsername, created.Realm, created.Credentials!, created.Codecs, 1, [], "", [], true, 7);
        var keep = SampleInputs.Phone();
        keep.Password = null;
        Assert.That(PeerValidator.Phone(keep, "1001", stored, s_defaults).Credentials, Is.Null);
        keep.Realm = "other.example";
        var error = Assert.Throws<PeerValidationException>(() => PeerValidator.Phone(keep, "1001", stored, s_defaults));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "password" }));
    }

    [Test]
    public void Phone_OutboundTrunksAndCallerId_DefaultToNoneAndTheExtension()
    {
        var draft = PeerValidator.Phone(SampleInputs.Phone(), null, null, s_defaults);
        Assert.That(draft.OutboundTrunks, Is.Empty);
        Assert.That(draft.CallerId, Is.Empty);
    }

    [TestCase(new[] { "*" }, new[] { "*" })]
    [TestCase(new[] { "carrier-a", "Carrier-B" }, new[] { "carrier-a", "Carrier-B" })]
    [TestCase(new string[0], new string[0])]
    public void Phone_OutboundTrunks_AcceptsNoneAllOrNames(string[] given, string[] expected)
    {
        var input = SampleInputs.Phone();
        input.OutboundTrunks = [.. given];
        Assert.That(PeerValidator.Phone(input, null, null, s_defaults).OutboundTrunks, Is.EqualTo(expected));
    }

    [TestCase(new[] { "*", "carrier-a" }, "outboundTrunks[0]")]
    [TestCase(new[] { "carrier-a", "*" }, "outboundTrunks[1]")]
    [TestCase(new[] { "carrier-a", "CARRIER-A" }, "outboundTrunks[1]")]
    [TestCase(new[] { "carrier-a", "has space" }, "outboundTrunks[1]")]
    [TestCase(new[] { "" }, "outboundTrunks[0]")]
    public void Phone_BadOutboundTrunks_NameTheElement(string[] given, string field)
    {
        var input = SampleInputs.Phone();
        input.OutboundTrunks = [.. given];
        var error = Assert.Throws<PeerValidationException>(() => PeerValidator.Phone(input, null, null, s_defaults));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { field }));
    }

    [Test]
    public void Phone_DigestAlgorithms_DefaultToTheServersChoice()
    {
        Assert.That(PeerValidator.Phone(SampleInputs.Phone(), null, null, s_defaults).DigestAlgorithms, Is.Empty);
    }

    [TestCase(new string[0], new string[0])]
    [TestCase(new[] { "MD5" }, new[] { "MD5" })]
    [TestCase(new[] { "sha-256" }, new[] { "SHA-256" })]
    [TestCase(new[] { "Sha-256", "md5" }, new[] { "SHA-256", "MD5" })]
    [TestCase(new[] { "MD5", "SHA-256" }, new[] { "MD5", "SHA-256" })]
    public void Phone_DigestAlgorithms_AreCanonicalAndKeepTheirOrder(string[] given, string[] expected)
    {
        var input = SampleInputs.Phone();
        input.DigestAlgorithms = [.. given];
        Assert.That(PeerValidator.Phone(input, null, null, s_defaults).DigestAlgorithms, Is.EqualTo(expected));
    }

    [TestCase(new[] { "MD5", "md4" }, "digestAlgorithms[1]")]
    [TestCase(new[] { "SHA-512-256" }, "digestAlgorithms[0]")]
    [TestCase(new[] { "SHA256" }, "digestAlgorithms[0]")]
    [TestCase(new[] { "MD5-sess" }, "digestAlgorithms[0]")]
    [TestCase(new[] { "" }, "digestAlgorithms[0]")]
    [TestCase(new[] { " MD5" }, "digestAlgorithms[0]")]
    [TestCase(new[] { "SHA-256", "sha-256" }, "digestAlgorithms[1]")]
    [TestCase(new[] { "MD5", "SHA-256", "MD5" }, "digestAlgorithms[2]")]
    public void Phone_BadDigestAlgorithms_NameTheElement(string[] given, string field)
    {
        var input = SampleInputs.Phone();
        input.DigestAlgorithms = [.. given];
        var error = Assert.Throws<PeerValidationException>(() => PeerValidator.Phone(input, null, null, s_defaults));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { field }));
    }

    [Test]
    public void Phone_NullDigestAlgorithm_NamesTheElement()
    {
        var input = SampleInputs.Phone();
        input.DigestAlgorithms = ["MD5", null!];
        var error = Assert.Throws<PeerValidationException>(() => PeerValidator.Phone(input, null, null, s_defaults));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "digestAlgorithms[1]" }));
    }

    [TestCase("")]
    [TestCase("anonymous")]
    [TestCase("15550100")]
    [TestCase("+4930123456")]
    [TestCase("+1234567890123456789012345678901")]
    public void Phone_CallerId_AcceptsEmptyDigitsPlusOrAnonymous(string callerId)
    {
        var input = SampleInputs.Phone();
        input.CallerId = callerId;
        Assert.That(PeerValidator.Phone(input, null, null, s_defaults).CallerId, Is.EqualTo(callerId));
    }

    [TestCase("+")]
    [TestCase("12 34")]
    [TestCase("1-800-FLOWERS")]
    [TestCase("++49")]
    [TestCase("49+")]
    [TestCase("Anonymous")]
    [TestCase("\"Boss\" <sip:1@x>")]
    [TestCase("123456789012345678901234567890123")]
    [TestCase("+12345678901234567890123456789012")]
    public void Phone_BadCallerId_NamesCallerId(string callerId)
    {
        var input = SampleInputs.Phone();
        input.CallerId = callerId;
        var error = Assert.Throws<PeerValidationException>(() => PeerValidator.Phone(input, null, null, s_defaults));
        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "callerId" }));
    }

    [TestCase(new string[0], "carrier-a", false)]
    [TestCase(new[] { "*" }, "carrier-a", true)]
    [TestCase(new[] { "*" }, "", false)]
    [TestCase(new[] { "carrier-a", "carrier-b" }, "CARRIER-B", true)]
    [TestCase(new[] { "carrier-a" }, "carrier-b", false)]
    [TestCase(new[] { "carrier-a" }, "carrier", false)]
    public void Phone_MayUseTrunk_NoneAllOrListed(string[] outboundTrunks, string trunk, bool allowed)
    {
        var phone = new Phone("1001", "", "1001", "r", new PhoneCredentials("", ""), ["PCMU"], 1, outboundTrunks, "", [], true, 1);
        Assert.That(phone.MayUseTrunk(trunk), Is.EqualTo(allowed));
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
