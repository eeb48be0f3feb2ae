using System.Net;
using Dialer.Sip.Auth;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Phones are not dialers (issue "SIP edge, part 3"): a registered phone reaches a trunk only when its outboundTrunks
/// allows it, its X-Dialer-* headers are ignored, the carrier sees the phone peer's callerId, never what it wrote, and
/// the phone's offer cut to the phone's codecs (488 when none is left). Phones register with SIPp from 127.0.0.5 (outside Edge:DialerAcl) and call with a raw UDP peer from the same address.
/// </summary>
public sealed class EdgePhoneOutboundTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(3);
    private ApiServer _server = null!;
    private HttpClient _admin = null!;
    private UdpPeer _allowed = null!;
    private UdpPeer _other = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        _admin = _server.Client();
        _allowed = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, _allowed!.HostPort));
        _other = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, _other!.HostPort));
        foreach (var (name, prefix, carrier) in new[] { ("phones-out", "77", _allowed), ("elsewhere", "78", _other) })
        {
            var created = await _admin.PostJsonAsync("/api/trunks",
                $$"""{"name":"{{name}}","channelCap":5,"dialPrefix":"{{prefix}}","callOriginHeader":"pai","servers":[{"host":"127.0.0.1","port":{{carrier.Local.Port}}}]}""");
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _allowed.Dispose();
        _other.Dispose();
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task PhoneWithoutOutboundTrunks_Gets403ForATrunkNumber()
    {
        using var phone = await RegisteredPhoneAsync("5101", """[]""", "");
        var answer = await CallAsync(phone, "5101", "7712345");
        Assert.That(answer, Does.StartWith("SIP/2.0 403 "));
        Assert.That(_allowed.Received.Any(m => m.Contains("7712345", StringComparison.Ordinal)), Is.False, "the carrier saw nothing");
    }

    [Test]
    public async Task PhoneWithOutboundTrunks_ReachesTheCarrier_WithItsCallerId_AndItsXDialerTrunkIsIgnored()
    {
        using var phone = await RegisteredPhoneAsync("5102", """["phones-out"]""", "+15550005102");
        var answer = await CallAsync(phone, "5102", "7754321", "X-Dialer-Trunk: elsewhere", "X-Dialer-Campaign: stolen",
            "P-Asserted-Identity: <sip:666@evil.example>");
        Assert.That(answer, Does.StartWith("SIP/2.0 200 "), "the allowed trunk carried the call");
        var invite = _allowed.Received.Last(m => m.StartsWith("INVITE sip:54321@", StringComparison.Ordinal));
        Assert.That(SipText.Header(invite, "P-Asserted-Identity"), Does.Contain("+15550005102"));
        Assert.That(invite, Does.Not.Contain("evil.example").And.Not.Contain("X-Dialer"), "nothing the phone wrote about its identity or trunk");
        Assert.That(SipText.Header(invite, "From"), Does.Contain("sip:+15550005102@"), "From carries the callerId too");
        Assert.That(_other.Received.Any(m => m.StartsWith("INVITE ", StringComparison.Ordinal)), Is.False, "X-Dialer-Trunk from a phone is ignored");
        await phone.SendAsync(RawSip.InDialog("ACK", phone, answer!, 2), _server.SipPort());
        await phone.SendAsync(RawSip.InDialog("BYE", phone, answer!, 3), _server.SipPort());
        Assert.That(await phone.WaitForResponseAsync(200, "BYE", s_wait), Is.Not.Null, "the phone's BYE goes through its dialog");
    }

    [Test]
    public async Task PhoneWithCodecs_CallingATrunk_ItsOfferReachesTheCarrierCutToThem()
    {
        // The trunk allows its default PCMU and PCMA, so PCMU can only be cut by the phone's own codecs.
        using var phone = await RegisteredPhoneAsync("5103", """["phones-out"]""", "", """["PCMA"]""");
        var offer = Offer("0 8", "a=rtpmap:0 PCMU/8000", "a=fmtp:0 x-test=1", "a=rtpmap:8 PCMA/8000", "a=ptime:20");
        var answer = await CallWithOfferAsync(phone, "5103", "7755501", offer);
        Assert.That(answer, Does.StartWith("SIP/2.0 200 "), "PCMA is left, so the call goes on: no 488");
        var invite = _allowed.Received.Last(m => m.StartsWith("INVITE sip:55501@", StringComparison.Ordinal));
        var body = invite.Split("\r\n\r\n", 2)[1];
        Assert.Multiple(() =>
        {
            Assert.That(body, Does.Contain("\r\nm=audio 40000 RTP/AVP 8\r\n"), "only the phone's codecs");
            Assert.That(body, Does.Contain("a=rtpmap:8 PCMA/8000").And.Contain("a=ptime:20"));
            Assert.That(body, Does.Not.Contain("PCMU").And.Not.Contain("x-test"), "PCMU's attributes went with it");
            Assert.That(SipText.Header(invite, "Content-Length"), Is.EqualTo(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
        await phone.SendAsync(RawSip.InDialog("ACK", phone, answer!, 2), _server.SipPort());
        await phone.SendAsync(RawSip.InDialog("BYE", phone, answer!, 3), _server.SipPort());
        Assert.That(await phone.WaitForResponseAsync(200, "BYE", s_wait), Is.Not.Null);
    }

    [Test]
    public async Task PhoneWithCodecs_OfferingNoneOfThem_Gets488_AndTheCarrierSeesNothing()
    {
        using var phone = await RegisteredPhoneAsync("5104", """["phones-out"]""", "", """["PCMA"]""");
        var answer = await CallWithOfferAsync(phone, "5104", "7755502", Offer("0", "a=rtpmap:0 PCMU/8000"));
        Assert.That(answer, Does.StartWith("SIP/2.0 488 "));
        Assert.That(_allowed.Received.Any(m => m.Contains("55502", StringComparison.Ordinal)), Is.False, "the carrier saw nothing");
    }

    private static string Offer(string payloadTypes, params string[] attributes) =>
        $"v=0\r\no=phone 1 1 IN IP4 127.0.0.5\r\ns=-\r\nc=IN IP4 127.0.0.5\r\nt=0 0\r\nm=audio 40000 RTP/AVP {payloadTypes}\r\n"
        + string.Concat(attributes.Select(a => a + "\r\n"));

    private async Task<UdpPeer> RegisteredPhoneAsync(string extension, string outboundTrunks, string callerId, string? codecs = null)
    {
        var codecsField = codecs is null ? "" : $",\"codecs\":{codecs}";
        var created = await _admin.PostJsonAsync("/api/phones",
            $$"""{"extension":"{{extension}}","password":"phone-password","outboundTrunks":{{outboundTrunks}},"callerId":"{{callerId}}"{{codecsField}}}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await _server.WaitForPeersAsync();
        var phone = new UdpPeer("127.0.0.5");
        var registered = await SippPhone.RunAsync("register", _server.SipPort(),
            new SippPhone.Values { Extension = extension, Password = "phone-password", LocalIp = "127.0.0.5", ContactPort = phone.Local.Port });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);
        return phone;
    }

    private Task<string?> CallAsync(UdpPeer phone, string extension, string number, params string[] extra) => PlaceCallAsync(phone, extension, number, "", extra);

    private Task<string?> CallWithOfferAsync(UdpPeer phone, string extension, string number, string offer) => PlaceCallAsync(phone, extension, number, offer, []);

    /// <summary>INVITE (with an SDP offer unless it is empty), 407, INVITE with Proxy-Authorization: the final answer to the second INVITE.</summary>
    private async Task<string?> PlaceCallAsync(UdpPeer phone, string extension, string number, string offer, string[] extra)
    {
        var callId = Guid.NewGuid().ToString("N");
        string Invite(int cseq, string[] lines)
        {
            var invite = RawSip.Invite(phone, _server.SipPort(), number, callId, "p1", cseq, lines);
            return offer.Length == 0 ? invite : invite.Replace("Content-Length: 0\r\n\r\n",
                $"Content-Type: application/sdp\r\nContent-Length: {offer.Length}\r\n\r\n{offer}", StringComparison.Ordinal);
        }
        await phone.SendAsync(Invite(1, extra), _server.SipPort());
        var challenge = await phone.WaitForResponseAsync(407, "INVITE", s_wait);
        Assert.That(challenge, Is.Not.Null, "the edge challenges a phone's call");
        var uri = $"sip:{number}@127.0.0.1:{_server.SipPort()}";
        Assert.That(DigestClient.TryAnswer(SipText.Header(challenge!, "Proxy-Authenticate")!, "INVITE", uri, extension, "phone-password", 1, out var authorization), Is.True);
        var seen = phone.Received.Count;
        await phone.SendAsync(Invite(2, [.. extra, "Proxy-Authorization: " + authorization]), _server.SipPort());
        return await phone.WaitForAsync(m => m.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && !m.StartsWith("SIP/2.0 1", StringComparison.Ordinal)
            && SipText.Header(m, "CSeq") == "2 INVITE", s_wait, seen);
    }
}
