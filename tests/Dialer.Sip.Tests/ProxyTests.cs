using System.Net;
using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Proxy;
using Dialer.Sip.Writing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>RFC 3261 §16 proxy behaviour: forwarding rewrites, Via handling and loop detection.</summary>
public sealed class ProxyTests
{
    private static SipMessage Forward(SipMessage request, ForwardOptions options)
    {
        using var buffer = new PooledBuffer();
        ProxyWriter.Request(request, options, buffer);
        var forwarded = new SipMessage();
        Assert.That(SipParser.Parse(buffer.WrittenSpan.ToArray(), SipFraming.Stream, forwarded, out _), Is.EqualTo(ParseStatus.Complete));
        Assert.That(SipMessageValidator.Validate(forwarded).IsFault, Is.False, forwarded.Fault.ReasonPhrase);
        return forwarded;
    }

    private static bool IsEdge(string host, int port) => host == "198.51.100.1" && port == 5060;

    [Test]
    public void ForwardedInvite_IsRewrittenAsRfc3261Section16_6Says()
    {
        var request = Messages.Parse(Messages.Invite.Replace("Max-Forwards: 70", "Route: <sip:198.51.100.1;lr>, <sip:next.example;lr>\nMax-Forwards: 70", StringComparison.Ordinal));
        var branch = ProxyBranch.For(request);
        var forwarded = Forward(request, new ForwardOptions
        {
            Via = $"SIP/2.0/UDP 198.51.100.1:5060;branch={branch}",
            RequestUri = "sip:0044155512345@203.0.113.10:5060;user=phone",
            RecordRoute = "sip:198.51.100.1:5060;lr",
            RemoveTopRoute = true,
            Source = new IPEndPoint(IPAddress.Parse("192.0.2.99"), 40000),
            RemoveHeaders = ["X-Dialer-Campaign"],
            AddHeaders = ["P-Asserted-Identity: <sip:8005550100@carrier.example>"],
            Body = Encoding.ASCII.GetBytes("v=0\r\n"),
        });
        var vias = new List<string>();
        foreach (var element in forwarded.Elements(HeaderKind.Via))
        {
            vias.Add(forwarded.Text(element));
        }
        Assert.Multiple(() =>
        {
            Assert.That(forwarded.Text(forwarded.RequestUri), Is.EqualTo("sip:0044155512345@203.0.113.10:5060;user=phone"));
            Assert.That(vias[0], Is.EqualTo($"SIP/2.0/UDP 198.51.100.1:5060;branch={branch}"));
            Assert.That(vias[1], Is.EqualTo("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=192.0.2.99;rport=40000"));
            Assert.That(forwarded.MaxForwards, Is.EqualTo(69));
            Assert.That(forwarded.GetValue(HeaderKind.RecordRoute), Is.EqualTo("<sip:198.51.100.1:5060;lr>"));
            Assert.That(forwarded.GetValue(HeaderKind.Route), Is.EqualTo("<sip:next.example;lr>"), "our Route entry is gone");
            Assert.That(forwarded.GetValue("X-Dialer-Campaign"), Is.Null);
            Assert.That(forwarded.GetValue(HeaderKind.PAssertedIdentity), Is.EqualTo("<sip:8005550100@carrier.example>"));
            Assert.That(forwarded.ContentLength, Is.EqualTo(5));
            Assert.That(forwarded.GetValue(HeaderKind.CallId), Is.EqualTo("a84b4c76e66710@192.0.2.10"));
        });
    }

    [Test]
    public void MissingMaxForwards_Becomes70_AndSameHostGetsNoReceived()
    {
        var request = Messages.Parse("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\nFrom: <sip:x@y>;tag=1\nTo: <sip:a@b>\nCall-ID: c\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n");
        var forwarded = Forward(request, new ForwardOptions { Via = "SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKx", Source = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060) });
        Assert.That(forwarded.MaxForwards, Is.EqualTo(70));
        Assert.That(forwarded.GetValue(HeaderKind.Via), Is.EqualTo("SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKx"));
        Assert.That(forwarded.Count(HeaderKind.Via), Is.EqualTo(2));
        var second = forwarded.HeaderAt(forwarded.NextIndexOf(HeaderKind.Via, forwarded.IndexOf(HeaderKind.Via)));
        Assert.That(forwarded.ValueString(second), Is.EqualTo("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1"));
    }

    [TestCase("Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKours\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKtheirs\n")]
    [TestCase("Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKours, SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKtheirs\n")]
    public void ForwardedResponse_LosesOnlyTheTopVia(string vias)
    {
        var response = Messages.Parse("SIP/2.0 180 Ringing\n" + vias + "From: <sip:x@y>;tag=1\nTo: <sip:a@b>;tag=2\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
        using var buffer = new PooledBuffer();
        ProxyWriter.Response(response, buffer);
        var forwarded = Messages.Parse(buffer.WrittenSpan.ToArray(), SipFraming.Stream, out _);
        Assert.That(forwarded.StatusCode, Is.EqualTo(180));
        Assert.That(forwarded.Text(forwarded.Reason), Is.EqualTo("Ringing"));
        Assert.That(forwarded.Count(HeaderKind.Via), Is.EqualTo(1));
        Assert.That(forwarded.GetValue(HeaderKind.Via), Is.EqualTo("SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKtheirs"));
    }

    [Test]
    public void ResponseWithOnlyOurVia_GetsTheRequestsVias_AsTheyWentOut()
    {
        // Only responses with our Via on top reach a transaction, so ours is all such a downstream left.
        const string vias = "Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKours\n";
        var request = Messages.Parse(Messages.Invite.Replace("Max-Forwards: 70",
            "Via: SIP/2.0/UDP 203.0.113.7;branch=z9hG4bKfirst\nMax-Forwards: 70", StringComparison.Ordinal));
        var response = Messages.Parse("SIP/2.0 487 Request Terminated\n" + vias
            + "From: <sip:x@y>;tag=1\nTo: <sip:a@b>;tag=2\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
        using var buffer = new PooledBuffer();
        ProxyWriter.Response(response, buffer, request, new IPEndPoint(IPAddress.Parse("192.0.2.99"), 40000));
        var forwarded = Messages.Parse(buffer.WrittenSpan.ToArray(), SipFraming.Stream, out _);
        var sent = new List<string>();
        foreach (var element in forwarded.Elements(HeaderKind.Via))
        {
            sent.Add(forwarded.Text(element));
        }
        Assert.That(forwarded.StatusCode, Is.EqualTo(487));
        Assert.That(sent, Is.EqualTo(new[]
        {
            "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=192.0.2.99;rport=40000",
            "SIP/2.0/UDP 203.0.113.7;branch=z9hG4bKfirst",
        }), "the Vias below ours, as the forwarded INVITE carried them");
    }

    [Test]
    public void ResponseThatKeptTheVias_IsLeftAsItCame()
    {
        var request = Messages.Parse(Messages.Invite);
        var response = Messages.Parse("SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKours\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=192.0.2.77\n"
            + "From: <sip:x@y>;tag=1\nTo: <sip:a@b>;tag=2\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
        using var buffer = new PooledBuffer();
        ProxyWriter.Response(response, buffer, request, new IPEndPoint(IPAddress.Parse("192.0.2.99"), 40000));
        var forwarded = Messages.Parse(buffer.WrittenSpan.ToArray(), SipFraming.Stream, out _);
        Assert.That(forwarded.Count(HeaderKind.Via), Is.EqualTo(1));
        Assert.That(forwarded.GetValue(HeaderKind.Via), Is.EqualTo("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=192.0.2.77"));
    }

    [Test]
    public void RequestComingBackUnchanged_IsALoop_ButASpiralIsNot()
    {
        var request = Messages.Parse(Messages.Invite);
        var forwarded = Forward(request, new ForwardOptions { Via = $"SIP/2.0/UDP 198.51.100.1:5060;branch={ProxyBranch.For(request)}" });
        Assert.That(ProxyBranch.HasLooped(request, IsEdge), Is.False);
        // Another proxy sends it straight back: it now has that proxy's Via on top and ours below.
        var back = Forward(forwarded, new ForwardOptions { Via = "SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKother" });
        Assert.That(ProxyBranch.HasLooped(back, IsEdge), Is.True);
        var spiral = Forward(forwarded, new ForwardOptions { Via = "SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKother", RequestUri = "sip:other@203.0.113.5" });
        Assert.That(ProxyBranch.HasLooped(spiral, IsEdge), Is.False);
    }

    [Test]
    public void Branches_AreUniquePerForwardAndCarryTheMagicCookie()
    {
        var request = Messages.Parse(Messages.Invite);
        var first = ProxyBranch.For(request);
        Assert.That(first, Does.StartWith("z9hG4bK"));
        Assert.That(ProxyBranch.For(request), Is.Not.EqualTo(first));
    }
}
