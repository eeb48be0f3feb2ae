using System.Text;
using Dialer.Sip.Sdp;
using Dialer.Sip.Writing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

public sealed class SdpCodecFilterTests
{
    private const string Offer = """
        v=0
        o=- 1 1 IN IP4 192.0.2.10
        s=-
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 16384 RTP/AVP 0 8 9 18 96 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 useinbandfec=1
        a=rtcp-fb:96 nack
        a=rtcp-fb:* trr-int 100
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=sendrecv
        m=video 0 RTP/AVP 31
        """;

    private static (SdpFilterResult Result, string Sdp) Run(string offer, params string[] allowed)
    {
        using var buffer = new PooledBuffer();
        var result = SdpCodecFilter.Filter(Encoding.UTF8.GetBytes(offer.ReplaceLineEndings("\r\n")), allowed, buffer);
        return (result, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Test]
    public void DisallowedCodecs_LeaveTheMediaLineWithTheirAttributes()
    {
        var (result, sdp) = Run(Offer, "pcma", "G729", "telephone-event");
        Assert.That(result, Is.EqualTo(SdpFilterResult.Filtered));
        Assert.That(sdp, Does.Contain("m=audio 16384 RTP/AVP 8 18 101\r\n"));
        Assert.That(sdp, Does.Not.Contain("PCMU").And.Not.Contain("opus").And.Not.Contain("a=rtcp-fb:96").And.Not.Contain("G722"));
        Assert.That(sdp, Does.Contain("a=fmtp:18 annexb=no").And.Contain("a=fmtp:101 0-16").And.Contain("a=rtcp-fb:* trr-int 100"));
        Assert.That(sdp, Does.Contain("a=sendrecv\r\nm=video 0 RTP/AVP 31\r\n"), "other attributes and non-audio streams stay");
        Assert.That(sdp, Does.Not.Contain("\r\n\r\n"));
    }

    [Test]
    public void OffererOrder_IsKept()
    {
        var (_, sdp) = Run(Offer, "telephone-event", "PCMA", "PCMU");
        Assert.That(sdp, Does.Contain("m=audio 16384 RTP/AVP 0 8 101\r\n"));
    }

    [Test]
    public void TelephoneEvent_StaysBesideTheCodecsKept_EvenWhenTheListLeavesItOut()
    {
        var (result, sdp) = Run(Offer, "PCMA");
        Assert.That(result, Is.EqualTo(SdpFilterResult.Filtered));
        Assert.That(sdp, Does.Contain("m=audio 16384 RTP/AVP 8 101\r\n"));
        Assert.That(sdp, Does.Contain("a=rtpmap:101 telephone-event/8000").And.Contain("a=fmtp:101 0-16"));
    }

    [TestCase("G722")]
    [TestCase("iLBC")]
    [TestCase("telephone-event")]
    public void NoAllowedAudioCodec_IsNoCommonCodec(string only)
    {
        var offer = Offer.Replace("m=audio 16384 RTP/AVP 0 8 9 18 96 101", "m=audio 16384 RTP/AVP 0 8 101", StringComparison.Ordinal);
        Assert.That(Run(offer, only).Result, Is.EqualTo(SdpFilterResult.NoCommonCodec));
    }

    [TestCase("")]
    [TestCase("hello")]
    [TestCase("v=0\nm=audio 1\n")]
    public void NotSdp_IsMalformed(string body)
    {
        Assert.That(Run(body, "PCMU").Result, Is.EqualTo(SdpFilterResult.Malformed));
    }
}
