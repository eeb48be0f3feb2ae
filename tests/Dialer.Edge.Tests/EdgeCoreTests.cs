using Dialer.Peers.Model;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>The edge's request path in memory: who gets what, what is relayed where, and when a channel returns.</summary>
public sealed class EdgeCoreTests
{
    private static readonly Dialer.Sip.Transport.SipEndpoint s_dialer = EdgeHarness.Udp("192.0.2.5", 5070);
    private static readonly Dialer.Sip.Transport.SipEndpoint s_carrier = EdgeHarness.Udp("198.51.100.7", 5060);
    private static readonly Dialer.Sip.Transport.SipEndpoint s_stranger = EdgeHarness.Udp("203.0.113.9", 5060);

    private static Trunk Carrier() => PeerValidator.Trunk(new TrunkInput
    {
        Name = "carrier",
        ChannelCap = 2,
        DialPrefix = "9",
        Servers = [new TrunkServerInput { Host = "198.51.100.7", Port = 5060 }],
    }, null);

    private static string Invite(Dialer.Sip.Transport.SipEndpoint from, string uri, string callId, string extra = "") =>
        $"INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {from.Address};branch=z9hG4bK{Guid.NewGuid():N};rport\r\nMax-Forwards: 70\r\n{extra}" +
        $"From: <sip:dialer@{from.Address.Address}>;tag=caller\r\nTo: <sip:5551234@192.0.2.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\n" +
        $"Contact: <sip:dialer@{from.Address}>\r\nContent-Length: 0\r\n\r\n";

    /// <summary>The carrier's 200 to an INVITE it received: Vias and Record-Route copied, a To tag, its Contact.</summary>
    private static string Ok(string invite) =>
        "SIP/2.0 200 OK\r\n" + string.Concat(SipText.Headers(invite, "Via").Select(v => $"Via: {v}\r\n"))
        + string.Concat(SipText.Headers(invite, "Record-Route").Select(r => $"Record-Route: {r}\r\n"))
        + $"From: {SipText.Header(invite, "From")}\r\nTo: {SipText.Header(invite, "To")};tag=callee\r\nCall-ID: {SipText.Header(invite, "Call-ID")}\r\n"
        + $"CSeq: {SipText.Header(invite, "CSeq")}\r\nContact: <sip:carrier@{s_carrier.Address}>\r\nContent-Length: 0\r\n\r\n";

    private static string Bye(string ok, string route) =>
        $"BYE sip:carrier@{s_carrier.Address} SIP/2.0\r\nVia: SIP/2.0/UDP {s_dialer.Address};branch=z9hG4bK{Guid.NewGuid():N};rport\r\nMax-Forwards: 70\r\n"
        + $"Route: {route}\r\nFrom: {SipText.Header(ok, "From")}\r\nTo: {SipText.Header(ok, "To")}\r\nCall-ID: {SipText.Header(ok, "Call-ID")}\r\nCSeq: 2 BYE\r\n"
        + "Content-Length: 0\r\n\r\n";

    [Test]
    public async Task Stranger_GetsOneStateless403_NeverA100_NeverARetransmission_AndNoTransaction()
    {
        using var edge = new EdgeHarness(Carrier());
        await edge.ReceiveAsync(Invite(s_stranger, "sip:95551234@192.0.2.1", "c1"), s_stranger);
        edge.Clock.Advance(TimeSpan.FromSeconds(40));
        await Task.Delay(20);
        var answers = edge.SentTo(s_stranger);
        Assert.That(answers, Has.Count.EqualTo(1));
        Assert.That(answers[0], Does.StartWith("SIP/2.0 403 "));
        Assert.That(edge.SentTo(s_carrier), Is.Empty);
        Assert.That(edge.Layer.ServerCount, Is.Zero, "no transaction kept for a stranger");
    }

    [Test]
    public async Task DialerCall_RecordRoutesWithAToken_ByeAlongItFreesTheChannel_AndStrayResponsesAreDropped()
    {
        using var edge = new EdgeHarness(Carrier());
        await edge.ReceiveAsync(Invite(s_dialer, "sip:95551234@192.0.2.1", "c2"), s_dialer);
        var forwarded = edge.SentTo(s_carrier)[0];
        Assert.That(forwarded, Does.StartWith("INVITE sip:5551234@198.51.100.7:5060 SIP/2.0"), "prefix stripped, sent to the trunk server");
        var recordRoute = SipText.Header(forwarded, "Record-Route")!;
        Assert.That(recordRoute, Does.Match(@"<sip:192\.0\.2\.1:5060;lr;dlg=[0-9a-f]{16}\.[0-9a-f]{24}>"));
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.EqualTo(1));

        await edge.ReceiveAsync(Ok(forwarded), s_carrier);
        var ok = edge.SentTo(s_dialer)[^1];
        Assert.That(ok, Does.StartWith("SIP/2.0 200 "));
        Assert.That(edge.Dialogs.Count, Is.EqualTo(1));

        var before = edge.Sender.Sent.Count;
        await edge.ReceiveAsync(Ok(forwarded).Replace("branch=z9hG4bKdlr", "branch=z9hG4bKdlx", StringComparison.Ordinal), s_carrier);
        Assert.That(edge.Sender.Sent.Count, Is.EqualTo(before), "a response matching no client transaction goes nowhere");

        await edge.ReceiveAsync(Bye(ok, recordRoute), s_dialer);
        var bye = edge.SentTo(s_carrier)[^1];
        Assert.That(bye, Does.StartWith("BYE "));
        Assert.That(bye, Does.Not.Contain("Route:"), "our Route popped");
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.EqualTo(1), "the channel returns when the BYE is answered, not before");
        await edge.ReceiveAsync(Ok(bye).Replace(";tag=callee;tag=callee", ";tag=callee", StringComparison.Ordinal), s_carrier);
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.Zero);
        Assert.That(edge.Dialogs.Count, Is.Zero);

        await edge.ReceiveAsync(Bye(ok, recordRoute), s_dialer);
        Assert.That(edge.SentTo(s_dialer)[^1], Does.StartWith("SIP/2.0 481 "), "the dialog is over");
    }

    [TestCase("<sip:192.0.2.1:5060;lr>", 403, TestName = "RouteWithoutToken_Gets403")]
    [TestCase("<sip:192.0.2.1:5060;lr;dlg=0123456789abcdef.000000000000000000000000>", 403, TestName = "ForgedToken_Gets403")]
    public async Task RoutedRequest_WithoutAVerifiedToken_IsRefused(string route, int status)
    {
        using var edge = new EdgeHarness(Carrier());
        await edge.ReceiveAsync(Invite(s_dialer, $"sip:victim@{s_carrier.Address}", "c3", $"Route: {route}\r\n"), s_dialer);
        Assert.That(edge.SentTo(s_dialer)[0], Does.StartWith($"SIP/2.0 {status} "));
        Assert.That(edge.SentTo(s_carrier), Is.Empty);
    }

    [TestCase("Max-Forwards: 0\r\n", "SIP/2.0 483 ")]
    [TestCase("Proxy-Require: foo\r\n", "SIP/2.0 420 ")]
    public async Task HopAndExtensionChecks_ApplyToEveryMethod(string header, string answer)
    {
        using var edge = new EdgeHarness(Carrier());
        var message = $"MESSAGE sip:95551234@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP {s_dialer.Address};branch=z9hG4bK{Guid.NewGuid():N}\r\n{header}"
            + "From: <sip:d@192.0.2.5>;tag=1\r\nTo: <sip:95551234@192.0.2.1>\r\nCall-ID: c4\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
        await edge.ReceiveAsync(message, s_dialer);
        Assert.That(edge.SentTo(s_dialer)[0], Does.StartWith(answer));
    }

    [Test]
    public async Task DialogTimeout_ByesBothSides_AndFreesTheChannelOnlyWhenTheCarrierAnswers()
    {
        using var edge = new EdgeHarness(Carrier());
        await edge.ReceiveAsync(Invite(s_dialer, "sip:95551234@192.0.2.1", "c5"), s_dialer);
        await edge.ReceiveAsync(Ok(edge.SentTo(s_carrier)[0]), s_carrier);
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.EqualTo(1));
        var (toCarrier, toDialer) = (edge.SentTo(s_carrier).Count, edge.SentTo(s_dialer).Count);

        edge.Clock.Advance(edge.Settings.MaxCallDuration + TimeSpan.FromSeconds(1));
        await Task.Delay(50);

        var carrierBye = edge.SentTo(s_carrier).Skip(toCarrier).Single(m => m.StartsWith("BYE ", StringComparison.Ordinal));
        Assert.That(carrierBye, Does.StartWith($"BYE sip:carrier@{s_carrier.Address} SIP/2.0"), "to the carrier's Contact");
        Assert.That(SipText.Header(carrierBye, "From"), Does.EndWith("tag=caller"));
        Assert.That(SipText.Header(carrierBye, "To"), Does.EndWith("tag=callee"));
        Assert.That(SipText.Header(carrierBye, "CSeq"), Is.EqualTo("2 BYE"), "the caller's CSeq after its INVITE");
        Assert.That(SipText.Header(carrierBye, "Call-ID"), Is.EqualTo("c5"));
        var dialerBye = edge.SentTo(s_dialer).Skip(toDialer).Single(m => m.StartsWith("BYE ", StringComparison.Ordinal));
        Assert.That(dialerBye, Does.StartWith($"BYE sip:dialer@{s_dialer.Address} SIP/2.0"), "to the dialer's Contact");
        Assert.That(SipText.Header(dialerBye, "From"), Does.EndWith("tag=callee"), "as the carrier would send it");
        Assert.That(SipText.Header(dialerBye, "To"), Does.EndWith("tag=caller"));
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.EqualTo(1), "the carrier still holds the call until it answers the BYE");

        await edge.ReceiveAsync(Answer(carrierBye), s_carrier);
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.Zero);
        Assert.That(edge.Dialogs.Count, Is.Zero);
    }

    [Test]
    public async Task DialogTimeout_ACarrierThatNeverAnswersTheBye_StillGetsItsChannelBack()
    {
        using var edge = new EdgeHarness(Carrier());
        await edge.ReceiveAsync(Invite(s_dialer, "sip:95551234@192.0.2.1", "c6"), s_dialer);
        await edge.ReceiveAsync(Ok(edge.SentTo(s_carrier)[0]), s_carrier);
        edge.Clock.Advance(edge.Settings.MaxCallDuration + TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.EqualTo(1));
        for (var i = 0; i < 70 && edge.Ledger.ViewOf("carrier")!.InUse > 0; i++)
        {
            edge.Clock.Advance(TimeSpan.FromSeconds(1)); // Timer E retransmits, then Timer F (32 s) gives up on the BYE
            await Task.Delay(5);
        }
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.Zero);
        Assert.That(edge.SentTo(s_carrier).Count(m => m.StartsWith("BYE ", StringComparison.Ordinal)), Is.GreaterThan(1), "retransmitted over UDP");
    }

    /// <summary>A 200 to a request the edge sent: its Vias, From, To, Call-ID and CSeq copied.</summary>
    private static string Answer(string request) =>
        "SIP/2.0 200 OK\r\n" + string.Concat(SipText.Headers(request, "Via").Select(v => $"Via: {v}\r\n"))
        + $"From: {SipText.Header(request, "From")}\r\nTo: {SipText.Header(request, "To")}\r\nCall-ID: {SipText.Header(request, "Call-ID")}\r\n"
        + $"CSeq: {SipText.Header(request, "CSeq")}\r\nContent-Length: 0\r\n\r\n";
}
