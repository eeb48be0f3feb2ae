using System.Globalization;
using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Sdp;
using Dialer.Sip.Uris;
using Dialer.Sip.Writing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>
/// RFC 4475 torture messages (byte-exact from the RFC's archive), RFC 5118's IPv6 ones (typed from its text with CRLF
/// line ends and counted Content-Lengths) and our own, with the RFC's expected outcome; for RFC 5118, also where each
/// IPv6 reference ends and its port begins.
/// </summary>
public sealed class TortureTests
{
    private static readonly string s_folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Torture");

    public static IEnumerable<TestCaseData> Cases() =>
        File.ReadAllLines(Path.Combine(s_folder, "expected.tsv")).Skip(1).Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(f => new TestCaseData(f[0], f[1], f[2]).SetName($"Torture_{f[0]}_{f[2]}").SetDescription(f[3]));

    [TestCaseSource(nameof(Cases))]
    public void Message_GetsTheOutcomeTheRfcAsksFor(string name, string kind, string outcome)
    {
        var bytes = File.ReadAllBytes(Path.Combine(s_folder, name + ".sip"));
        var message = new SipMessage();
        var status = SipParser.Parse(bytes, SipFraming.Datagram, message, out var consumed);
        Assert.That(consumed, Is.EqualTo(bytes.Length), "a datagram is consumed whole");
        var fault = status == ParseStatus.Complete ? SipMessageValidator.Validate(message) : message.Fault;
        switch (outcome)
        {
            case "valid":
                Assert.That(status, Is.EqualTo(ParseStatus.Complete));
                Assert.That(fault.IsFault, Is.False, fault.ReasonPhrase);
                Assert.That(message.IsRequest, Is.EqualTo(kind == "request"));
                break;
            case "drop":
                Assert.That(message.IsRequest, Is.False);
                Assert.That(status == ParseStatus.Invalid || fault.IsFault, Is.True, "a broken response is dropped");
                break;
            default:
                var expected = int.Parse(outcome["invalid-".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.That(message.IsRequest, Is.True);
                Assert.That(status, Is.EqualTo(ParseStatus.Complete), "a faulty request is still framed, so it can be answered");
                Assert.That(fault.StatusCode, Is.EqualTo(expected), fault.ReasonPhrase);
                Assert.That(message.IndexOf(HeaderKind.Via), Is.GreaterThanOrEqualTo(0), "the answer needs a Via");
                break;
        }
    }

    /// <summary>RFC 5118 §4.1, §4.3, §4.4, §4.9, §4.10: the Request-URI's and the Contact's host and port ("" when absent).</summary>
    [TestCase("ipv6-good", "[2001:db8::10]", "[2001:db8::1]")]
    [TestCase("port-ambiguous", "[2001:db8::10:5070]", "[2001:db8::1]")]
    [TestCase("port-unambiguous", "[2001:db8::10]:5070", "[2001:db8::1]")]
    [TestCase("ipv6-in-sdp", "[2001:db8::10]", "[2001:db8::20]")]
    [TestCase("ipv4-mapped-ipv6", "example.com", "[::ffff:192.0.2.2]")]
    [TestCase("ipv6-bug-abnf-3-colons", "[2001:db8::192.0.2.1]", "")]
    [TestCase("ipv6-correct-abnf-2-colons", "[2001:db8::192.0.2.1]", "")]
    public void Rfc5118_UriHosts_EndAtTheirBracket(string name, string requestUri, string contact)
    {
        var message = Parsed(name);
        var uri = SipUri.Parse(Encoding.ASCII.GetString(message.RequestUri.Of(message.Span)));
        Assert.That(HostPort(uri), Is.EqualTo(requestUri));
        if (uri.Host.StartsWith('['))
        {
            Assert.That(System.Net.IPAddress.Parse(uri.HostWithoutBrackets).AddressFamily, Is.EqualTo(System.Net.Sockets.AddressFamily.InterNetworkV6));
        }
        var contacts = new List<string>();
        foreach (var element in message.Elements(HeaderKind.Contact))
        {
            Assert.That(NameAddress.TryParse(message.Span, element, out var address), Is.True);
            contacts.Add(HostPort(SipUri.Parse(Encoding.ASCII.GetString(address.Uri.Of(message.Span)))));
        }
        Assert.That(string.Join(", ", contacts), Is.EqualTo(contact));
    }

    /// <summary>RFC 5118 §4.1, §4.5, §4.7, §4.9: every Via hop's transport, sent-by and received (brackets or not, the same address).</summary>
    [TestCase("ipv6-good", "UDP [2001:db8::9:1]")]
    [TestCase("via-received-param-with-delim", "UDP [2001:db8::9:1] received=2001:db8::9:255")]
    [TestCase("via-received-param-no-delim", "UDP [2001:db8::9:1] received=2001:db8::9:255")]
    [TestCase("mult-ip-in-header", "UDP [2001:db8::9:1]:6050 | UDP 192.0.2.1 | TCP [2001:db8::9:255] received=192.0.2.200")]
    [TestCase("ipv4-mapped-ipv6", "UDP [::ffff:192.0.2.10]:19823 | UDP [::ffff:192.0.2.2]")]
    public void Rfc5118_ViaHops_AreReadWhereTheirReferencesEnd(string name, string hops)
    {
        var message = Parsed(name);
        var span = message.Span;
        var read = new List<string>();
        foreach (var element in message.Elements(HeaderKind.Via))
        {
            Assert.That(ViaHeader.TryParse(span, element, out var via), Is.True);
            var hop = $"{Encoding.ASCII.GetString(via.Transport.Of(span))} {Encoding.ASCII.GetString(via.Host.Of(span))}"
                + (via.Port > 0 ? ":" + via.Port.ToString(CultureInfo.InvariantCulture) : "");
            if (!via.Received.IsEmpty)
            {
                Assert.That(System.Net.IPAddress.TryParse(via.ReceivedText(span), out _), Is.True, "received is an address");
                hop += " received=" + via.ReceivedText(span);
            }
            read.Add(hop);
        }
        Assert.That(string.Join(" | ", read), Is.EqualTo(hops));
    }

    /// <summary>RFC 5118 §4.6, §4.8, §4.9: IPv6 addresses in SDP have no brackets; the codec filter (the edge's one touch
    /// of an offer) leaves every o= and c= line as it was.</summary>
    [TestCase("ipv6-in-sdp", "G726-32")]
    [TestCase("mult-ip-in-sdp", "PCMU")]
    [TestCase("ipv4-mapped-ipv6", "G726-32")]
    public void Rfc5118_SdpAddresses_PassTheCodecFilterAsWritten(string name, string audioCodec)
    {
        var message = Parsed(name);
        var offer = Encoding.ASCII.GetString(message.Body.Of(message.Span));
        using var buffer = new PooledBuffer();
        Assert.That(SdpCodecFilter.Filter(message.Body.Of(message.Span), [audioCodec], buffer), Is.EqualTo(SdpFilterResult.Filtered));
        static string[] Addresses(string sdp) => [.. sdp.Split("\r\n").Where(l => l.StartsWith("c=", StringComparison.Ordinal) || l.StartsWith("o=", StringComparison.Ordinal))];
        Assert.That(Addresses(Encoding.ASCII.GetString(buffer.WrittenSpan)), Is.EqualTo(Addresses(offer)));
        Assert.That(Addresses(offer).Any(l => l.Contains(" IP6 ", StringComparison.Ordinal)), Is.True);
    }

    private static SipMessage Parsed(string name)
    {
        var message = new SipMessage();
        Assert.That(SipParser.Parse(File.ReadAllBytes(Path.Combine(s_folder, name + ".sip")), SipFraming.Datagram, message, out _), Is.EqualTo(ParseStatus.Complete));
        Assert.That(SipMessageValidator.Validate(message).IsFault, Is.False, message.Fault.ReasonPhrase);
        return message;
    }

    private static string HostPort(SipUri uri) => uri.Host + (uri.Port is { } port ? ":" + port.ToString(CultureInfo.InvariantCulture) : "");
}
