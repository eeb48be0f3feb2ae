using System.Globalization;
using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// The edge as an attacker sees it (issue "SIP edge, part 3"): nothing is relayed unless a dialog the edge created says
/// so. Raw UDP peers on loopback: 127.0.0.1 is the dialer (Edge:DialerAcl), 127.0.0.2 a stranger, and a tiny UAS the carrier.
/// </summary>
public sealed class EdgeDialogSecurityTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(3);
    private static readonly System.Buffers.SearchValues<char> s_hex = System.Buffers.SearchValues.Create("0123456789abcdef");
    private ApiServer _server = null!;
    private HttpClient _admin = null!;
    private UdpPeer _carrier = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        _admin = _server.Client();
        _carrier = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, _carrier!.HostPort));
        var created = await _admin.PostJsonAsync("/api/trunks",
            $$"""{"name":"guarded","channelCap":5,"dialPrefix":"76","servers":[{"host":"127.0.0.1","port":{{_carrier.Local.Port}}}]}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _carrier.Dispose();
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private int Edge => _server.SipPort();

    [TestCase("INVITE", false)]
    [TestCase("MESSAGE", false)]
    [TestCase("OPTIONS", false)]
    [TestCase("BYE", true)]
    [TestCase("NOTIFY", true)]
    public async Task Stranger_WithARouteNamingTheEdge_GetsOne403_AndNothingIsForwarded(string method, bool inDialog)
    {
        using var target = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:1"));
        using var stranger = new UdpPeer("127.0.0.2");
        var toTag = inDialog ? ";tag=abc" : "";
        var request = $"{method} sip:victim@{target.HostPort} SIP/2.0\r\nVia: SIP/2.0/UDP {stranger.HostPort};branch={RawSip.Branch()};rport\r\n" +
            $"Max-Forwards: 70\r\nRoute: <sip:127.0.0.1:{Edge};lr>\r\nFrom: <sip:x@127.0.0.2>;tag=1\r\nTo: <sip:victim@127.0.0.1>{toTag}\r\n" +
            $"Call-ID: {Guid.NewGuid():N}\r\nCSeq: 1 {method}\r\nContact: <sip:x@{stranger.HostPort}>\r\nContent-Length: 0\r\n\r\n";
        await stranger.SendAsync(request, Edge);
        var answer = await stranger.WaitForAsync(_ => true, s_wait);
        await Task.Delay(1500);
        Assert.That(answer, Does.StartWith("SIP/2.0 403 "));
        Assert.That(stranger.Received, Has.Count.EqualTo(1), "one stateless answer: no 100 Trying, no retransmission");
        Assert.That(answer!.Length, Is.LessThanOrEqualTo(request.Length), "no amplification");
        Assert.That(target.Received, Is.Empty, "nothing reached the host the stranger named");
    }

    [Test]
    public async Task ForgedToken_AndThirdPartyBye_Get403_TheCallGoesOn_AndTheRealByeFreesTheChannelOnce()
    {
        using var dialer = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:1"));
        using var stranger = new UdpPeer("127.0.0.2");
        var ok = await AnswerAsync(dialer, "7600001", Guid.NewGuid().ToString("N"), "d1");
        Assert.That(SipText.Header(ok, "Record-Route"), Does.Contain(";dlg="), "the edge record-routes with a dialog token");
        Assert.That(await InUseAsync(), Is.EqualTo(1));

        var forged = SipText.Header(ok, "Record-Route")!.Replace(";dlg=", ";dlg=0", StringComparison.Ordinal);
        var altered = AlterLastHex(SipText.Header(ok, "Record-Route")!);
        foreach (var route in new[] { forged, altered, $"<sip:127.0.0.1:{Edge};lr>" })
        {
            var seen = dialer.Received.Count;
            await dialer.SendAsync(RawSip.InDialog("BYE", dialer, ok, 2, route), Edge);
            Assert.That(await dialer.WaitForResponseAsync(403, "BYE", s_wait, seen), Is.Not.Null, $"BYE with route {route} is refused");
        }
        var third = stranger.Received.Count;
        await stranger.SendAsync(RawSip.InDialog("BYE", stranger, ok, 2), Edge);
        Assert.That(await stranger.WaitForResponseAsync(403, "BYE", s_wait, third), Is.Not.Null, "a third party's BYE with the right tags and token");
        var asCarrier = RawSip.ByeFromCallee(stranger, InviteAtCarrier(ok), ok, 1);
        await stranger.SendAsync(asCarrier, Edge);
        Assert.That(await stranger.WaitForResponseAsync(403, "BYE", s_wait, third + 1), Is.Not.Null, "a third party posing as the carrier");
        Assert.That(await InUseAsync(), Is.EqualTo(1), "the call goes on");
        Assert.That(ByesAtCarrier(ok), Is.Zero, "the carrier saw no BYE");

        await dialer.SendAsync(RawSip.InDialog("BYE", dialer, ok, 3), Edge);
        Assert.That(await dialer.WaitForResponseAsync(200, "BYE", s_wait), Is.Not.Null, "the real BYE passes");
        Assert.That(await InUseAsync(), Is.Zero);
        Assert.That(ByesAtCarrier(ok), Is.EqualTo(1));
        await dialer.SendAsync(RawSip.InDialog("BYE", dialer, ok, 4), Edge);
        Assert.That(await dialer.WaitForResponseAsync(481, "BYE", s_wait), Is.Not.Null, "the dialog is over: 481");
        Assert.That(await InUseAsync(), Is.Zero, "released once");
    }

    [Test]
    public async Task CarriersBye_ThroughTheEdge_ReachesTheDialer_AndFreesTheChannel()
    {
        using var dialer = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:1"));
        var ok = await AnswerAsync(dialer, "7600002", Guid.NewGuid().ToString("N"), "d2");
        Assert.That(await InUseAsync(), Is.EqualTo(1));
        var seen = _carrier.Received.Count;
        await _carrier.SendAsync(RawSip.ByeFromCallee(_carrier, InviteAtCarrier(ok), ok, 1), Edge);
        Assert.That(await _carrier.WaitForResponseAsync(200, "BYE", s_wait, seen), Is.Not.Null, "the dialer's 200 comes back through the edge");
        Assert.That(dialer.Received.Any(m => m.StartsWith("BYE ", StringComparison.Ordinal)), Is.True);
        Assert.That(await InUseAsync(), Is.Zero);
    }

    [Test]
    public async Task TwoAnsweredCallsSharingACallId_AreBothReleased()
    {
        using var dialer = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:1"));
        var callId = Guid.NewGuid().ToString("N");
        var first = await AnswerAsync(dialer, "7600003", callId, "one");
        var second = await AnswerAsync(dialer, "7600004", callId, "two");
        Assert.That(SipText.Header(first, "Record-Route"), Is.Not.EqualTo(SipText.Header(second, "Record-Route")), "two dialogs, two tokens");
        Assert.That(await InUseAsync(), Is.EqualTo(2));
        await dialer.SendAsync(RawSip.InDialog("BYE", dialer, first, 2), Edge);
        await dialer.SendAsync(RawSip.InDialog("BYE", dialer, second, 2), Edge);
        for (var i = 0; i < 50 && await InUseAsync() > 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.That(await InUseAsync(), Is.Zero, "both channels came back");
    }

    [Test]
    public async Task MaxForwardsZero_Gets483_AndAnUnknownProxyRequire_Gets420()
    {
        using var dialer = new UdpPeer("127.0.0.1");
        foreach (var method in new[] { "OPTIONS", "MESSAGE" })
        {
            var request = $"{method} sip:127.0.0.1:{Edge} SIP/2.0\r\nVia: SIP/2.0/UDP {dialer.HostPort};branch={RawSip.Branch()};rport\r\nMax-Forwards: 0\r\n" +
                $"From: <sip:d@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n";
            await dialer.SendAsync(request, Edge);
            Assert.That(await dialer.WaitForResponseAsync(483, method, s_wait), Is.Not.Null, method);
        }
        var required = RawSip.Invite(dialer, Edge, "7600005", Guid.NewGuid().ToString("N"), "pr", 1, "Proxy-Require: x-frobnicate");
        await dialer.SendAsync(required, Edge);
        var refused = await dialer.WaitForResponseAsync(420, "INVITE", s_wait);
        Assert.That(refused, Is.Not.Null);
        Assert.That(SipText.Header(refused!, "Unsupported"), Is.EqualTo("x-frobnicate"));
    }

    /// <summary>A dialer call answered by the carrier and ACKed along the Record-Route; returns the 200 as the dialer got it.</summary>
    private async Task<string> AnswerAsync(UdpPeer dialer, string number, string callId, string fromTag)
    {
        var seen = dialer.Received.Count;
        await dialer.SendAsync(RawSip.Invite(dialer, Edge, number, callId, fromTag), Edge);
        var ok = await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) && SipText.Tag(SipText.Header(m, "From")!) == fromTag, s_wait, seen);
        Assert.That(ok, Is.Not.Null, "the call is answered");
        await dialer.SendAsync(RawSip.InDialog("ACK", dialer, ok!, 1), Edge);
        return ok!;
    }

    /// <summary>The INVITE as the carrier received it for the call answered with <paramref name="ok"/>.</summary>
    private string InviteAtCarrier(string ok) =>
        _carrier.Received.Last(m => m.StartsWith("INVITE ", StringComparison.Ordinal) && SipText.Header(m, "Call-ID") == SipText.Header(ok, "Call-ID")
            && SipText.Tag(SipText.Header(m, "From")!) == SipText.Tag(SipText.Header(ok, "From")!));

    private int ByesAtCarrier(string ok) =>
        _carrier.Received.Count(m => m.StartsWith("BYE ", StringComparison.Ordinal) && SipText.Header(m, "Call-ID") == SipText.Header(ok, "Call-ID"));

    private static string AlterLastHex(string route)
    {
        var index = route.AsSpan().LastIndexOfAny(s_hex);
        var replacement = route[index] == '0' ? '1' : '0';
        return string.Concat(route.AsSpan(0, index), replacement.ToString(CultureInfo.InvariantCulture), route.AsSpan(index + 1));
    }

    private async Task<int> InUseAsync()
    {
        var channels = await (await _admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync();
        return channels.EnumerateArray().Where(t => t.GetProperty("trunk").GetString() == "guarded").Select(t => t.GetProperty("inUse").GetInt32()).FirstOrDefault();
    }
}
