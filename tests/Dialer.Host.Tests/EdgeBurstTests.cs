using System.Globalization;
using System.Net;
using Dialer.Sip.Auth;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// A call centre behind one NAT (issue "Edge under attack and overload"): many phones register from one address at
/// once and none is refused or locked out; forged nonces count for nothing; one phone's wrong password locks out only
/// that phone, not its neighbours on the same address.
/// </summary>
public sealed class EdgeBurstTests
{
    private const int Phones = 303;
    // The last three phones belong to the lockout tests of this fixture; the burst uses the others.
    private const int Burst = Phones - 3;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:LockoutFailures"] = "3" });
        _admin = _server.Client();
        for (var i = 0; i < Phones; i++)
        {
            var created = await _admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{Extension(i)}}","password":"burst-password-{{i}}"}""");
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        await _server.WaitForPeersAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private static string Extension(int i) => (60_000 + i).ToString(CultureInfo.InvariantCulture);

    [Test]
    public async Task ThreeHundredBurstFromOneAddress_AllRegisterAtOnce_NoneLockedOut()
    {
        using var site = new UdpPeer("127.0.0.9");
        var callIds = Enumerable.Range(0, Burst).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        // Every REGISTER back to back: many challenges are issued in the same millisecond.
        for (var i = 0; i < Burst; i++)
        {
            await site.SendAsync(Register(site, Extension(i), callIds[i], 1, null), _server.SipPort());
        }
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(Count(site, "401", "1 REGISTER") == Burst), s_wait), Is.True,
            $"every phone challenged: {Count(site, "401", "1 REGISTER")} of {Burst}; other answers: {string.Join(", ", site.Received.Select(m => m.Split("\r\n")[0]).Distinct())}");
        var challenges = site.Received.Where(m => m.StartsWith("SIP/2.0 401 ", StringComparison.Ordinal)).ToDictionary(m => SipText.Header(m, "Call-ID")!);
        for (var i = 0; i < Burst; i++)
        {
            var challenge = SipText.Header(challenges[callIds[i]], "WWW-Authenticate")!;
            Assert.That(DigestClient.TryAnswer(challenge, "REGISTER", $"sip:127.0.0.1:{_server.SipPort()}", Extension(i), $"burst-password-{i}", 1, out var answer), Is.True);
            await site.SendAsync(Register(site, Extension(i), callIds[i], 2, answer), _server.SipPort());
        }
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(Count(site, "200", "2 REGISTER") == Burst), s_wait), Is.True,
            $"every phone registered: {Count(site, "200", "2 REGISTER")} of {Burst}, {Count(site, "403", "2 REGISTER")} refused");
        Assert.That(site.Received.Any(m => m.StartsWith("SIP/2.0 403 ", StringComparison.Ordinal)), Is.False, "nobody locked out");
    }

    [Test]
    public async Task ForgedNonces_FromFiveSources_CountForNothing_AndTheRealPhoneRegisters()
    {
        var extension = Extension(Phones - 1);
        for (var source = 0; source < 5; source++)
        {
            using var attacker = new UdpPeer($"127.0.0.{20 + source}");
            var forged = $"Digest username=\"{extension}\", realm=\"test.example\", nonce=\"{new string('A', 43)}\", uri=\"sip:127.0.0.1\", "
                + "response=\"00000000000000000000000000000000\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"x\"";
            await attacker.SendAsync(Register(attacker, extension, Guid.NewGuid().ToString("N"), 1, forged), _server.SipPort());
            Assert.That(await attacker.WaitForResponseAsync(401, "REGISTER", s_wait), Is.Not.Null, "a forged nonce gets a fresh challenge");
        }
        var registered = await SippPhone.RunAsync("register", _server.SipPort(), extension, $"burst-password-{Phones - 1}");
        Assert.That(registered.ExitCode, Is.Zero, "not locked out: " + registered.Output);
    }

    [Test]
    public async Task OnePhonesWrongPassword_LocksOutOnlyThatPhone_NotItsNeighboursOnTheSameAddress()
    {
        var wrong = Extension(Phones - 2);
        var neighbour = Extension(Phones - 3);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.That((await SippPhone.RunAsync("register-refused", _server.SipPort(), new SippPhone.Values { Extension = wrong, Password = "guess-" + attempt })).ExitCode,
                Is.Zero);
        }
        Assert.That((await SippPhone.RunAsync("register-locked", _server.SipPort(), wrong)).ExitCode, Is.Zero, "the guessing phone is locked out");
        var other = await SippPhone.RunAsync("register", _server.SipPort(), neighbour, $"burst-password-{Phones - 3}");
        Assert.That(other.ExitCode, Is.Zero, "its neighbour on the same address registers: " + other.Output);
    }

    private static int Count(UdpPeer peer, string status, string cseq) =>
        peer.Received.Count(m => m.StartsWith($"SIP/2.0 {status} ", StringComparison.Ordinal) && SipText.Header(m, "CSeq") == cseq);

    private string Register(UdpPeer from, string extension, string callId, int cseq, string? authorization) =>
        $"REGISTER sip:127.0.0.1:{_server.SipPort()} SIP/2.0\r\nVia: SIP/2.0/UDP {from.HostPort};branch={RawSip.Branch()};rport\r\nMax-Forwards: 70\r\n"
        + $"From: <sip:{extension}@127.0.0.1>;tag=b{cseq}\r\nTo: <sip:{extension}@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: {cseq} REGISTER\r\n"
        + $"Contact: <sip:{extension}@{from.HostPort}>\r\nExpires: 600\r\n"
        + (authorization is null ? "" : $"Authorization: {authorization}\r\n") + "Content-Length: 0\r\n\r\n";
}
