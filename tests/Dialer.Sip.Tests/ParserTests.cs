using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

public sealed class ParserTests
{
    [Test]
    public void Invite_IsIndexedWithStartLineHeadersAndBody()
    {
        var message = Messages.Parse(Messages.Invite);
        Assert.Multiple(() =>
        {
            Assert.That(message.Fault.IsFault, Is.False, message.Fault.ReasonPhrase);
            Assert.That(message.IsRequest, Is.True);
            Assert.That(message.Method, Is.EqualTo(SipMethod.Invite));
            Assert.That(message.Text(message.RequestUri), Is.EqualTo("sip:15551234567@edge.example.com"));
            Assert.That(message.HeaderCount, Is.EqualTo(10));
            Assert.That(message.GetValue("x-dialer-campaign"), Is.EqualTo("demo"));
            Assert.That(message.ContentLength, Is.EqualTo(154));
            Assert.That(message.Body.Length, Is.EqualTo(154));
            Assert.That(message.Text(message.Body), Does.StartWith("v=0\r\n").And.EndWith("telephone-event/8000\r\n"));
            Assert.That(Encoding.ASCII.GetString(message.CallId), Is.EqualTo("a84b4c76e66710@192.0.2.10"));
            Assert.That(SipMessageValidator.Validate(message).IsFault, Is.False);
        });
    }

    [Test]
    public void Response_StatusLineAndReasonAreRead()
    {
        var message = Messages.Parse("SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 0\n\n");
        Assert.That(message.IsRequest, Is.False);
        Assert.That(message.StatusCode, Is.EqualTo(486));
        Assert.That(message.Text(message.Reason), Is.EqualTo("Busy Here"));
    }

    [TestCase("INVITE  sip:a@b SIP/2.0", ParseFault.BadStartLine)]
    [TestCase("INVITE sip:a@b  SIP/2.0", ParseFault.BadStartLine)]
    [TestCase("INVITE sip:a@b SIP/2.0 ", ParseFault.BadStartLine)]
    [TestCase("INVITE sip:a@b SIP/3.0", ParseFault.BadVersion)]
    [TestCase("INVITE sip:a@b HTTP/1.1", ParseFault.BadStartLine)]
    [TestCase("INVITE http://a/b SIP/2.0", ParseFault.UnsupportedUriScheme)]
    [TestCase("INVITE <sip:a@b> SIP/2.0", ParseFault.BadRequestUri)]
    [TestCase("INV(TE sip:a@b SIP/2.0", ParseFault.BadMethod)]
    [TestCase("INVITE sip:a@b\tSIP/2.0", ParseFault.BadStartLine)]
    public void BadRequestLine_IsFaultedButStillAnswerable(string startLine, ParseFault expected)
    {
        var message = Messages.Parse(startLine + "\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 0\n\n");
        Assert.That(message.IsRequest, Is.True);
        Assert.That(message.Fault.Fault, Is.EqualTo(expected));
        Assert.That(message.IndexOf(HeaderKind.Via), Is.Zero);
    }

    [TestCase("SIP/2.0 99 Too Low")]
    [TestCase("SIP/2.0 700 Too High")]
    [TestCase("SIP/2.0 2000 OK")]
    [TestCase("SIP/1.0 200 OK")]
    [TestCase("SIP/2.0 20x OK")]
    public void BadStatusLine_IsInvalid(string startLine)
    {
        Messages.Parse(Messages.Bytes(startLine + "\nContent-Length: 0\n\n"), SipFraming.Datagram, out var status);
        Assert.That(status, Is.EqualTo(ParseStatus.Invalid));
    }

    [Test]
    public void CompactNames_MapToTheirKinds()
    {
        var message = Messages.Parse("OPTIONS sip:a@b SIP/2.0\nv: SIP/2.0/UDP h;branch=z9hG4bK1\nf: <sip:x@y>;tag=1\nt: <sip:a@b>\ni: abc\nm: <sip:x@h>\nl: 0\nc: text/plain\nk: path\ns: hi\ne: gzip\no: presence\nCSeq: 1 OPTIONS\n\n");
        foreach (var kind in new[] { HeaderKind.Via, HeaderKind.From, HeaderKind.To, HeaderKind.CallId, HeaderKind.Contact, HeaderKind.ContentLength,
            HeaderKind.ContentType, HeaderKind.Supported, HeaderKind.Subject, HeaderKind.ContentEncoding, HeaderKind.Event })
        {
            Assert.That(message.IndexOf(kind), Is.GreaterThanOrEqualTo(0), kind.ToString());
        }
        Assert.That(SipMessageValidator.Validate(message).IsFault, Is.False);
    }

    [Test]
    public void HeaderNames_AreCaseInsensitiveAndKeepUnknownOnes()
    {
        var message = Messages.Parse("OPTIONS sip:a@b SIP/2.0\nVIA: SIP/2.0/UDP h;branch=z9hG4bK1\ncall-id: x\nX-Custom :  spaced value  \nContent-Length: 0\n\n");
        Assert.That(message.IndexOf(HeaderKind.Via), Is.Zero);
        Assert.That(message.IndexOf(HeaderKind.CallId), Is.EqualTo(1));
        Assert.That(message.GetValue("x-custom"), Is.EqualTo("spaced value"));
    }

    [Test]
    public void FoldedLines_BelongToThePreviousHeaderAndUnfoldToOneSpace()
    {
        var message = Messages.Parse("OPTIONS sip:a@b SIP/2.0\nSubject: first\n  second\n\tthird\nVia: SIP/2.0/UDP h\n ;branch=z9hG4bK1\nContent-Length: 0\n\n");
        Assert.That(message.GetValue(HeaderKind.Subject), Is.EqualTo("first second third"));
        Assert.That(message.TryGetTopVia(out var via), Is.True);
        Assert.That(Encoding.ASCII.GetString(via.Branch.Of(message.Span)), Is.EqualTo("z9hG4bK1"));
    }

    [TestCase("Bad Header: x", ParseFault.BadHeaderName)]
    [TestCase("NoColonHere", ParseFault.BadHeaderLine)]
    [TestCase(": empty name", ParseFault.BadHeaderLine)]
    [TestCase("X-Nul: a\0b", ParseFault.ControlCharacter)]
    [TestCase("X-Bell: a\u0007b", ParseFault.ControlCharacter)]
    [TestCase("Content-Length: -1", ParseFault.BadContentLength)]
    [TestCase("Content-Length: 1e3", ParseFault.BadContentLength)]
    [TestCase("Content-Length: 99999999999", ParseFault.BadContentLength)]
    public void BadHeaderLine_FaultsTheMessage(string header, ParseFault expected)
    {
        var message = Messages.Parse("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n" + header + "\n\n");
        Assert.That(message.Fault.Fault, Is.EqualTo(expected));
    }

    [TestCase("X-Cr: a\rb", true)]
    [TestCase("X-Quoted: \"a\\\u0007b\"", false)]
    [TestCase("X-Quoted: \"a\\\rb\"", true)]
    [TestCase("X-Unquoted: a\\\u0007b", true)]
    public void ControlCharacters_AreAllowedOnlyAsQuotedPairs(string header, bool fault)
    {
        // Built without Messages.Bytes, which would turn the bare CR into a line break.
        var bytes = Encoding.UTF8.GetBytes("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n" + header + "\r\n\r\n");
        var message = Messages.Parse(bytes, SipFraming.Datagram, out _);
        Assert.That(message.Fault.Fault == ParseFault.ControlCharacter, Is.EqualTo(fault));
    }

    [Test]
    public void ManyHeaders_PastTheInlineTableStillIndex_AndTooManyIsAFault()
    {
        var builder = new StringBuilder("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n");
        for (var i = 0; i < 100; i++)
        {
            builder.Append("X-H").Append(i).Append(": v").Append(i).Append('\n');
        }
        var message = Messages.Parse(builder + "Call-ID: last\n\n");
        Assert.That(message.HeaderCount, Is.EqualTo(102));
        Assert.That(message.GetValue("X-H99"), Is.EqualTo("v99"));
        Assert.That(message.GetValue(HeaderKind.CallId), Is.EqualTo("last"));
        for (var i = 100; i < 300; i++)
        {
            builder.Append("X-H").Append(i).Append(": v\n");
        }
        Assert.That(Messages.Parse(builder + "\n").Fault.Fault, Is.EqualTo(ParseFault.TooManyHeaders));
    }

    [Test]
    public void Datagram_TrailingOctetsPastContentLengthAreIgnored()
    {
        var bytes = Messages.Bytes("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 2\n\nokTRAILING GARBAGE");
        var message = Messages.Parse(bytes, SipFraming.Datagram, out var status);
        Assert.That(status, Is.EqualTo(ParseStatus.Complete));
        Assert.That(message.Text(message.Body), Is.EqualTo("ok"));
        Assert.That(message.Length, Is.EqualTo(bytes.Length - "TRAILING GARBAGE".Length));
    }

    [Test]
    public void Datagram_WithoutContentLength_TakesTheRestAsBody()
    {
        var message = Messages.Parse("MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\nhello");
        Assert.That(message.Text(message.Body), Is.EqualTo("hello"));
    }

    [Test]
    public void Datagram_ShortBody_IsA400AndAResponseIsDropped()
    {
        Assert.That(Messages.Parse("MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 50\n\nshort").Fault.StatusCode, Is.EqualTo(400));
        Messages.Parse(Messages.Bytes("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 50\n\nshort"), SipFraming.Datagram, out var status);
        Assert.That(status, Is.EqualTo(ParseStatus.Invalid));
    }

    [Test]
    public void OversizedBody_IsMessageTooLarge513()
    {
        var message = Messages.Parse($"MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: {SipParser.MaxBodyBytes + 1}\n\n");
        Assert.That(message.Fault.StatusCode, Is.EqualTo(513));
    }

    [Test]
    public void LeadingCrlf_IsSkipped_AndOnlyCrlfIsAKeepAlive()
    {
        Assert.That(Messages.Parse("\n\nOPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 0\n\n").Method, Is.EqualTo(SipMethod.Options));
        Messages.Parse(Messages.Bytes("\n\n"), SipFraming.Stream, out var status);
        Assert.That(status, Is.EqualTo(ParseStatus.KeepAlive));
    }

    [TestCase("")]
    [TestCase("\0\0\0\0")]
    [TestCase("GET / HTTP/1.1\n\n")]
    [TestCase("\u00ff\u00fe garbage")]
    [TestCase("SIP/2.0")]
    public void Garbage_NeverThrows(string text)
    {
        var message = new SipMessage();
        Assert.That(() => SipParser.Parse(Encoding.Latin1.GetBytes(text), SipFraming.Datagram, message, out _), Throws.Nothing);
        Assert.That(() => SipParser.Parse(Encoding.Latin1.GetBytes(text), SipFraming.Stream, message, out _), Throws.Nothing);
    }
}
