using Dialer.Sip.Uris;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

public sealed class SipUriTests
{
    [Test]
    public void Parse_ReadsEveryPart()
    {
        var uri = SipUri.Parse("sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent");
        Assert.Multiple(() =>
        {
            Assert.That(uri.Scheme, Is.EqualTo("sips"));
            Assert.That(uri.User, Is.EqualTo("alice"));
            Assert.That(uri.Password, Is.EqualTo("secret"));
            Assert.That(uri.Host, Is.EqualTo("[2001:db8::1]"));
            Assert.That(uri.HostWithoutBrackets, Is.EqualTo("2001:db8::1"));
            Assert.That(uri.Port, Is.EqualTo(5061));
            Assert.That(uri.Parameter("TRANSPORT"), Is.EqualTo("tcp"));
            Assert.That(uri.HasParameter("lr"), Is.True);
            Assert.That(uri.Headers, Has.Count.EqualTo(2));
        });
    }

    [TestCase("sip:+15551234567@carrier.example;user=phone")]
    [TestCase("sip:carrier.example")]
    [TestCase("sip:sips%3Auser%40example.com@example.net")]
    [TestCase("sip:null-%00-null@example.com")]
    [TestCase("tel:+1-201-555-0123;ext=1234")]
    [TestCase("SIP:User@Example.COM")]
    public void ValidUris_RoundTripAsWritten(string text)
    {
        Assert.That(SipUri.TryParse(text, out var uri), Is.True);
        Assert.That(uri!.ToString(), Is.EqualTo(text.StartsWith("SIP:", StringComparison.Ordinal) ? "sip" + text[3..] : text));
    }

    [TestCase("")]
    [TestCase("sip:")]
    [TestCase("sip:@host")]
    [TestCase("sip:user@")]
    [TestCase("sip:user@host:0")]
    [TestCase("sip:user@host:99999")]
    [TestCase("sip:user@ho st")]
    [TestCase("sip:us%zzer@host")]
    [TestCase("sip:user@[::1")]
    [TestCase("sip:user@ho%41st")]
    [TestCase("sip:user@host;=x")]
    [TestCase("http://example.com")]
    [TestCase("tel:")]
    [TestCase("tel:abc-xyz")]
    public void InvalidUris_AreRefused(string text)
    {
        Assert.That(SipUri.TryParse(text, out _), Is.False);
    }

    // RFC 3261 §19.1.4 examples.
    [TestCase("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")]
    [TestCase("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5")]
    [TestCase("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5")]
    [TestCase("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com")]
    [TestCase("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x")]
    public void Equivalent_UrisFromTheRfcMatch(string a, string b)
    {
        Assert.That(SipUri.Parse(a).Equivalent(SipUri.Parse(b)), Is.True);
        Assert.That(SipUri.Parse(b).Equivalent(SipUri.Parse(a)), Is.True);
    }

    [TestCase("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP")]
    [TestCase("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060")]
    [TestCase("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp")]
    [TestCase("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp")]
    [TestCase("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting")]
    [TestCase("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4")]
    [TestCase("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off")]
    public void Equivalent_UrisTheRfcSaysDiffer_DoNotMatch(string a, string b)
    {
        Assert.That(SipUri.Parse(a).Equivalent(SipUri.Parse(b)), Is.False);
    }
}
