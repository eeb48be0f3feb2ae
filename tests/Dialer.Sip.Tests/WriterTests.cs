using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Writing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

public sealed class WriterTests
{
    [Test]
    public void Response_CopiesViasFromCallIdCSeq_AndTagsTo()
    {
        var request = Messages.Parse(Messages.Invite.Replace("Max-Forwards: 70", "Via: SIP/2.0/TCP second.example;branch=z9hG4bK2\nMax-Forwards: 70", StringComparison.Ordinal));
        using var buffer = new PooledBuffer(64);
        ResponseBuilder.Write(request, 486, "Busy Here"u8, "edge-1"u8, buffer, ["Retry-After: 30"]);
        var response = new SipMessage();
        Assert.That(SipParser.Parse(buffer.WrittenMemory, SipFraming.Stream, response, out var consumed), Is.EqualTo(ParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(buffer.WrittenCount));
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(486));
            Assert.That(response.Count(HeaderKind.Via), Is.EqualTo(2));
            Assert.That(response.GetValue(HeaderKind.Via), Does.Contain("z9hG4bK776asdhds"), "top Via stays on top");
            Assert.That(response.GetValue(HeaderKind.To), Is.EqualTo("<sip:15551234567@edge.example.com>;tag=edge-1"));
            Assert.That(response.GetValue(HeaderKind.From), Is.EqualTo(request.GetValue(HeaderKind.From)));
            Assert.That(response.GetValue(HeaderKind.CallId), Is.EqualTo("a84b4c76e66710@192.0.2.10"));
            Assert.That(response.GetValue(HeaderKind.CSeq), Is.EqualTo("314159 INVITE"));
            Assert.That(response.GetValue(HeaderKind.RetryAfter), Is.EqualTo("30"));
            Assert.That(response.ContentLength, Is.Zero);
            Assert.That(SipMessageValidator.Validate(response).IsFault, Is.False);
        });
    }

    [Test]
    public void Trying_KeepsToUntaggedAndCopiesTimestamp()
    {
        var request = Messages.Parse(Messages.Invite.Replace("Max-Forwards: 70", "Timestamp: 54\nMax-Forwards: 70", StringComparison.Ordinal));
        using var buffer = new PooledBuffer();
        ResponseBuilder.Write(request, 100, "Trying"u8, "edge-1"u8, buffer);
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.That(text, Does.StartWith("SIP/2.0 100 Trying\r\n"));
        Assert.That(text, Does.Contain("To: <sip:15551234567@edge.example.com>\r\n"));
        Assert.That(text, Does.Contain("Timestamp: 54\r\n"));
    }

    [Test]
    public void ExistingToTag_IsNotReplaced()
    {
        var request = Messages.Parse("BYE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nTo: <sip:a@b>;tag=theirs\nFrom: <sip:c@d>;tag=f\nCall-ID: c\nCSeq: 2 BYE\nContent-Length: 0\n\n");
        using var buffer = new PooledBuffer();
        ResponseBuilder.Write(request, 200, "OK"u8, "mine"u8, buffer);
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Does.Contain("To: <sip:a@b>;tag=theirs\r\n").And.Not.Contain("mine"));
    }

    [Test]
    public void FaultyRequest_GetsItsReasonPhrase()
    {
        var request = Messages.Parse("INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:c@d>;tag=f\nTo: <sip:a@b>\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
        var fault = SipMessageValidator.Validate(request);
        using var buffer = new PooledBuffer();
        ResponseBuilder.Write(request, fault.StatusCode, Encoding.UTF8.GetBytes(fault.ReasonPhrase), "t"u8, buffer);
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Does.StartWith("SIP/2.0 400 Bad Request: Missing Call-ID\r\n"));
    }

    [Test]
    public void PooledBuffer_GrowsAndKeepsWhatWasWritten()
    {
        using var buffer = new PooledBuffer(16);
        var writer = new SipWriter(buffer);
        for (var i = 0; i < 200; i++)
        {
            writer.Header("X-Line"u8, "0123456789"u8);
        }
        Assert.That(buffer.WrittenCount, Is.EqualTo(200 * "X-Line: 0123456789\r\n".Length));
        Assert.That(Encoding.ASCII.GetString(buffer.WrittenSpan[^20..]), Is.EqualTo("X-Line: 0123456789\r\n"));
    }
}
