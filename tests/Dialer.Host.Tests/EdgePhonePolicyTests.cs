using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Per-phone settings the edge now applies (issue "Real softphones"): the phone's own realm, its digest algorithms
/// (SHA-256 offered first when enabled), and its codecs on offers to it (488 when none is left).
/// </summary>
public sealed class EdgePhonePolicyTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(3);
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        _admin = _server.Client();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task PhoneInItsOwnRealm_IsChallengedThere_AndRegisters()
    {
        await CreateAsync("""{"extension":"7301","password":"realm-password","realm":"tenant-b.example"}""");
        var challenge = await ChallengeAsync("7301");
        Assert.That(SipText.Header(challenge, "WWW-Authenticate"), Does.Contain("realm=\"tenant-b.example\""));
        var registered = await SippPhone.RunAsync("register", _server.SipPort(), "7301", "realm-password");
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);
    }

    [Test]
    public async Task DigestAlgorithms_DefaultIsMd5Only_AndAPhoneCanAskForSha256First()
    {
        await CreateAsync("""{"extension":"7302","password":"digest-password"}""");
        await CreateAsync("""{"extension":"7303","password":"digest-password","digestAlgorithms":["MD5","SHA-256"]}""");
        var plain = SipText.Headers(await ChallengeAsync("7302"), "WWW-Authenticate");
        Assert.That(plain, Has.Count.EqualTo(1), "one challenge: the baresip/re family gives up when offered two");
        Assert.That(plain[0], Does.Contain("algorithm=MD5"));
        var both = SipText.Headers(await ChallengeAsync("7303"), "WWW-Authenticate");
        Assert.That(both, Has.Count.EqualTo(2));
        Assert.That(both[0], Does.Contain("algorithm=SHA-256"), "RFC 8760: the stronger first");
        Assert.That(both[1], Does.Contain("algorithm=MD5"));
    }

    [Test]
    public async Task OfferWithNoCodecThePhoneAllows_Gets488()
    {
        await CreateAsync("""{"extension":"7304","password":"codec-password","codecs":["PCMA"]}""");
        var registered = await SippPhone.RunAsync("register", _server.SipPort(),
            new SippPhone.Values { Extension = "7304", Password = "codec-password", ContactPort = LoopbackPorts.Free() });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);
        using var dialer = new UdpPeer("127.0.0.1");
        var sdp = "v=0\r\no=d 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        var invite = RawSip.Invite(dialer, _server.SipPort(), "7304", Guid.NewGuid().ToString("N"), "c1", 1, "Content-Type: application/sdp")
            .Replace("Content-Length: 0\r\n\r\n", $"Content-Length: {sdp.Length}\r\n\r\n{sdp}", StringComparison.Ordinal);
        await dialer.SendAsync(invite, _server.SipPort());
        Assert.That(await dialer.WaitForResponseAsync(488, "INVITE", s_wait), Is.Not.Null, "PCMU only, the phone takes PCMA only");
    }

    private async Task CreateAsync(string json)
    {
        var created = await _admin.PostJsonAsync("/api/phones", json);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await _server.WaitForPeersAsync();
    }

    private async Task<string> ChallengeAsync(string extension)
    {
        using var phone = new UdpPeer("127.0.0.8");
        var register = $"REGISTER sip:127.0.0.1:{_server.SipPort()} SIP/2.0\r\nVia: SIP/2.0/UDP {phone.HostPort};branch={RawSip.Branch()};rport\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:{extension}@127.0.0.1>;tag=r1\r\nTo: <sip:{extension}@127.0.0.1>\r\nCall-ID: {Guid.NewGuid():N}\r\n" +
            $"CSeq: 1 REGISTER\r\nContact: <sip:{extension}@{phone.HostPort}>\r\nContent-Length: 0\r\n\r\n";
        await phone.SendAsync(register, _server.SipPort());
        var challenge = await phone.WaitForResponseAsync(401, "REGISTER", s_wait);
        Assert.That(challenge, Is.Not.Null);
        return challenge!;
    }
}
