using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

public sealed class HeaderTests
{
    private static string Text(SipMessage message, TextRange range) => Encoding.UTF8.GetString(range.Of(message.Span));

    [Test]
    public void Via_ReadsTransportHostPortAndNatParameters()
    {
        var message = Messages.Parse(Messages.Invite);
        Assert.That(message.TryGetTopVia(out var via), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(Text(message, via.Transport), Is.EqualTo("UDP"));
            Assert.That(Text(message, via.Host), Is.EqualTo("192.0.2.10"));
            Assert.That(via.Port, Is.EqualTo(5060));
            Assert.That(Text(message, via.Branch), Is.EqualTo("z9hG4bK776asdhds"));
            Assert.That(via.HasMagicCookie(message.Span), Is.True);
            Assert.That(via.HasRport, Is.True);
            Assert.That(via.Rport, Is.EqualTo(-1));
        });
    }

    [TestCase("SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKx;received=2001:db8::9;rport=6000", "TCP", "2001:db8::1", 5070, 6000)]
    [TestCase("SIP / 2.0 / UDP host.example.com ; branch = z9hG4bKx", "UDP", "host.example.com", 0, -1)]
    [TestCase("sip/2.0/tls h:1", "tls", "h", 1, -1)]
    public void Via_AcceptsIpv6WhitespaceAndCase(string value, string transport, string host, int port, int rport)
    {
        var message = Messages.Parse($"OPTIONS sip:a@b SIP/2.0\nVia: {value}\nContent-Length: 0\n\n");
        Assert.That(message.TryGetTopVia(out var via), Is.True);
        Assert.That(Text(message, via.Transport), Is.EqualTo(transport));
        Assert.That(via.HostText(message.Span), Is.EqualTo(host));
        Assert.That(via.Port, Is.EqualTo(port));
        Assert.That(via.Rport, Is.EqualTo(rport));
    }

    [TestCase("SIP/2.0/UDP")]
    [TestCase("SIP/2.0 host")]
    [TestCase("HTTP/1.1/TCP host")]
    [TestCase("SIP/2.0/UDP host:0")]
    [TestCase("SIP/2.0/UDP host:70000")]
    [TestCase("SIP/2.0/UDP [2001:db8::1")]
    [TestCase("SIP/2.0/UDP host;rport=0")]
    [TestCase("SIP/2.0/UDP host;branch=\"unterminated")]
    public void Via_RejectsMalformedValues(string value)
    {
        var message = Messages.Parse($"OPTIONS sip:a@b SIP/2.0\nVia: {value}\nContent-Length: 0\n\n");
        Assert.That(message.TryGetTopVia(out _), Is.False);
    }

    [Test]
    public void Elements_SplitCommaListsAcrossRepeatedHeaders()
    {
        var message = Messages.Parse("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\nContact: \"Doe, John\" <sip:j@h>\nVia: SIP/2.0/TCP c;branch=z9hG4bK3\nContent-Length: 0\n\n");
        var hosts = new List<string>();
        foreach (var element in message.Elements(HeaderKind.Via))
        {
            Assert.That(ViaHeader.TryParse(message.Span, element, out var via), Is.True);
            hosts.Add(via.HostText(message.Span));
        }
        Assert.That(hosts, Is.EqualTo(new[] { "a", "b", "c" }));
        var contacts = 0;
        foreach (var _ in message.Elements(HeaderKind.Contact))
        {
            contacts++;
        }
        Assert.That(contacts, Is.EqualTo(1), "a comma inside a quoted display name does not split");
    }

    [TestCase("4711 INVITE", 4711u, SipMethod.Invite)]
    [TestCase("  1   ACK ", 1u, SipMethod.Ack)]
    [TestCase("4294967295 BYE", 4294967295u, SipMethod.Bye)]
    [TestCase("7 NEWMETHOD", 7u, SipMethod.Extension)]
    public void CSeq_ReadsNumberAndMethod(string value, uint number, SipMethod method)
    {
        var message = Messages.Parse($"OPTIONS sip:a@b SIP/2.0\nCSeq: {value}\nContent-Length: 0\n\n");
        Assert.That(message.TryGetCSeq(out var cseq), Is.True);
        Assert.That(cseq.Number, Is.EqualTo(number));
        Assert.That(cseq.Method, Is.EqualTo(method));
    }

    [TestCase("4294967296 INVITE")]
    [TestCase("INVITE")]
    [TestCase("-1 INVITE")]
    [TestCase("1INVITE")]
    [TestCase("1 INV ITE")]
    public void CSeq_RejectsMalformedValues(string value)
    {
        var message = Messages.Parse($"OPTIONS sip:a@b SIP/2.0\nCSeq: {value}\nContent-Length: 0\n\n");
        Assert.That(message.TryGetCSeq(out _), Is.False);
    }

    [TestCase("\"Dialer 1\" <sip:dialer@192.0.2.10>;tag=1928", "Dialer 1", "sip:dialer@192.0.2.10", "1928")]
    [TestCase("Agent Smith <sip:smith@h>", "Agent Smith", "sip:smith@h", "")]
    [TestCase("<sip:a@b;transport=tcp>;tag=x;other", "", "sip:a@b;transport=tcp", "x")]
    [TestCase("sip:a@b;tag=y", "", "sip:a@b", "y")]
    [TestCase("\"Quote \\\" and \\\\ back\" <sip:q@h>", "Quote \" and \\ back", "sip:q@h", "")]
    [TestCase("\"\u00c9milie\" <tel:+33123456789>", "\u00c9milie", "tel:+33123456789", "")]
    public void NameAddress_ReadsDisplayNameUriAndTag(string value, string display, string uri, string tag)
    {
        var message = Messages.Parse($"OPTIONS sip:a@b SIP/2.0\nFrom: {value}\nContent-Length: 0\n\n");
        Assert.That(message.TryGetFrom(out var from), Is.True);
        Assert.That(from.DisplayText(message.Span), Is.EqualTo(display));
        Assert.That(Text(message, from.Uri), Is.EqualTo(uri));
        Assert.That(Text(message, from.Tag(message.Span)), Is.EqualTo(tag));
    }

    [Test]
    public void Contact_ReadsWildcardExpiresAndQ()
    {
        var message = Messages.Parse("REGISTER sip:b SIP/2.0\nContact: <sip:a@1.2.3.4>;expires=3600;q=0.7, *\nContent-Length: 0\n\n");
        var contacts = new List<NameAddress>();
        foreach (var element in message.Elements(HeaderKind.Contact))
        {
            Assert.That(NameAddress.TryParse(message.Span, element, out var contact), Is.True);
            contacts.Add(contact);
        }
        Assert.That(contacts[0].TryGetParameter(message.Span, "EXPIRES"u8, out var expires), Is.True);
        Assert.That(Text(message, expires.Value), Is.EqualTo("3600"));
        Assert.That(contacts[0].TryGetParameter(message.Span, "q"u8, out var q), Is.True);
        Assert.That(Text(message, q.Value), Is.EqualTo("0.7"));
        Assert.That(contacts[1].IsWildcard, Is.True);
    }

    [Test]
    public void MaxForwardsAndExpires_AreRangeChecked()
    {
        Assert.That(Messages.Parse("OPTIONS sip:a@b SIP/2.0\nMax-Forwards: 255\nContent-Length: 0\n\n").MaxForwards, Is.EqualTo(255));
        Assert.That(Messages.Parse("OPTIONS sip:a@b SIP/2.0\nMax-Forwards: 256\nContent-Length: 0\n\n").MaxForwards, Is.EqualTo(-2));
        Assert.That(Messages.Parse("OPTIONS sip:a@b SIP/2.0\nContent-Length: 0\n\n").MaxForwards, Is.EqualTo(-1));
        Assert.That(Messages.Parse("REGISTER sip:b SIP/2.0\nExpires: 4294967296\nContent-Length: 0\n\n").Expires, Is.EqualTo(-2));
    }
}
