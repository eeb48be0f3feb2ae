using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>TCP framing (RFC 3261 §18.3): a partial message consumes nothing; Content-Length splits a stream.</summary>
public sealed class StreamFramingTests
{
    [Test]
    public void EveryPrefixOfAValidMessage_IsIncompleteAndConsumesNothing()
    {
        var bytes = Messages.Bytes(Messages.Invite);
        var message = new SipMessage();
        for (var length = 1; length < bytes.Length; length++)
        {
            var status = SipParser.Parse(bytes.AsMemory(0, length), SipFraming.Stream, message, out var consumed);
            if (status != ParseStatus.Incomplete || consumed != 0)
            {
                Assert.Fail($"prefix of {length} bytes gave {status}, consumed {consumed}");
            }
        }
        Assert.That(SipParser.Parse(bytes, SipFraming.Stream, message, out var all), Is.EqualTo(ParseStatus.Complete));
        Assert.That(all, Is.EqualTo(bytes.Length));
    }

    [Test]
    public void TwoMessagesInOneRead_AreSplitByContentLength()
    {
        var first = Messages.Bytes(Messages.Invite);
        var second = Messages.Bytes("BYE sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\nContent-Length: 0\n\n");
        var stream = first.Concat(second).Concat(second.Take(10)).ToArray();
        var message = new SipMessage();
        Assert.That(SipParser.Parse(stream, SipFraming.Stream, message, out var consumed), Is.EqualTo(ParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(first.Length));
        Assert.That(message.Method, Is.EqualTo(SipMethod.Invite));
        var rest = stream.AsMemory(consumed);
        Assert.That(SipParser.Parse(rest, SipFraming.Stream, message, out consumed), Is.EqualTo(ParseStatus.Complete));
        Assert.That(message.Method, Is.EqualTo(SipMethod.Bye));
        Assert.That(SipParser.Parse(rest[consumed..], SipFraming.Stream, message, out consumed), Is.EqualTo(ParseStatus.Incomplete));
        Assert.That(consumed, Is.Zero);
    }

    [Test]
    public void StreamWithoutContentLength_IsInvalid()
    {
        var message = Messages.Parse(Messages.Bytes("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\n\n"), SipFraming.Stream, out var status);
        Assert.That(status, Is.EqualTo(ParseStatus.Invalid));
        Assert.That(message.Fault.Fault, Is.EqualTo(ParseFault.MissingContentLength));
    }

    [Test]
    public void EndlessHeaders_AreMessageTooLargeInsteadOfWaitingForever()
    {
        var bytes = Messages.Bytes("OPTIONS sip:a@b SIP/2.0\n" + string.Concat(Enumerable.Repeat("X-Pad: 0123456789012345678901234567890123456789\n", 500)));
        var message = Messages.Parse(bytes, SipFraming.Stream, out var status);
        Assert.That(status, Is.EqualTo(ParseStatus.Invalid));
        Assert.That(message.Fault.StatusCode, Is.EqualTo(513));
    }

    [Test]
    public void KeepAliveThenMessage_ConsumesTheCrlfsFirst()
    {
        var bytes = Messages.Bytes("\n\nOPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\nContent-Length: 0\n\n");
        var message = new SipMessage();
        Assert.That(SipParser.Parse(bytes, SipFraming.Stream, message, out var consumed), Is.EqualTo(ParseStatus.KeepAlive));
        Assert.That(consumed, Is.EqualTo(4));
        Assert.That(SipParser.Parse(bytes.AsMemory(consumed), SipFraming.Stream, message, out _), Is.EqualTo(ParseStatus.Complete));
    }
}
