using Dialer.Peers.Model;
using Dialer.Peers.Validation;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>
/// Failover inside one trunk server (RFC 3263 §4.3): every SRV target and every A/AAAA record of its name, in order,
/// before the next server, on the one channel the call was admitted with. Names come from a fake DNS server on
/// loopback; the carriers' addresses exist only in the recording sender.
/// </summary>
public sealed class TrunkFailoverTests
{
    private static readonly SipEndpoint s_dialer = EdgeHarness.Udp("192.0.2.5", 5070);
    private FakeDnsServer _dns = null!;

    [SetUp]
    public void StartDns() => _dns = new FakeDnsServer();

    [TearDown]
    public async Task StopDns() => await _dns.DisposeAsync();

    private DnsSettings Dns => new() { Servers = [_dns.Endpoint] };

    private static Trunk Carrier(params TrunkServerInput[] servers) => PeerValidator.Trunk(new TrunkInput
    {
        Name = "carrier",
        ChannelCap = 1,
        DialPrefix = "9",
        Servers = [.. servers],
    }, null);

    private static string Invite(string callId) =>
        $"INVITE sip:95551234@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP {s_dialer.Address};branch=z9hG4bK{Guid.NewGuid():N};rport\r\nMax-Forwards: 70\r\n" +
        $"From: <sip:dialer@192.0.2.5>;tag=caller\r\nTo: <sip:5551234@192.0.2.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\n" +
        $"Contact: <sip:dialer@{s_dialer.Address}>\r\nContent-Length: 0\r\n\r\n";

    /// <summary>A carrier's final response to the INVITE it received, To tag added.</summary>
    private static string Answer(string invite, string status, SipEndpoint carrier) =>
        $"SIP/2.0 {status}\r\n" + string.Concat(SipText.Headers(invite, "Via").Select(v => $"Via: {v}\r\n"))
        + string.Concat(SipText.Headers(invite, "Record-Route").Select(r => $"Record-Route: {r}\r\n"))
        + $"From: {SipText.Header(invite, "From")}\r\nTo: {SipText.Header(invite, "To")};tag=callee\r\nCall-ID: {SipText.Header(invite, "Call-ID")}\r\n"
        + $"CSeq: {SipText.Header(invite, "CSeq")}\r\nContact: <sip:carrier@{carrier.Address}>\r\nContent-Length: 0\r\n\r\n";

    private static string FirstInviteTo(EdgeHarness edge, SipEndpoint carrier)
    {
        Assert.That(() => edge.SentTo(carrier).Any(m => m.StartsWith("INVITE ", StringComparison.Ordinal)), Is.True.After(5000, 20),
            $"an INVITE reached {carrier}");
        return edge.SentTo(carrier).First(m => m.StartsWith("INVITE ", StringComparison.Ordinal));
    }

    [Test]
    public async Task SrvFirstTargetSilent_TimerBMovesTheCallToTheSecondTarget_OnOneChannel()
    {
        _dns.AddSrv("_sip._udp.carrier.test", 10, 0, 5060, "dead.carrier.test");
        _dns.AddSrv("_sip._udp.carrier.test", 20, 0, 5062, "live.carrier.test");
        _dns.AddA("dead.carrier.test", "198.51.100.7");
        _dns.AddA("live.carrier.test", "198.51.100.8");
        var dead = EdgeHarness.Udp("198.51.100.7", 5060);
        var live = EdgeHarness.Udp("198.51.100.8", 5062);
        using var edge = new EdgeHarness(Dns, Carrier(new TrunkServerInput { Host = "carrier.test" }));
        await edge.ReceiveAsync(Invite("f1"), s_dialer);
        FirstInviteTo(edge, dead);
        Assert.That(edge.SentTo(live), Is.Empty, "the second target waits for the first to fail");

        edge.Clock.Advance(TimeSpan.FromSeconds(33)); // timer B: 64*T1 without an answer (RFC 3261 §17.1.1.2)
        var second = FirstInviteTo(edge, live);
        Assert.That(second, Does.StartWith("INVITE sip:5551234@carrier.test SIP/2.0\r\n"), "the server's domain stays in the Request-URI");
        await edge.ReceiveAsync(Answer(second, "200 OK", live), live);
        Assert.That(() => edge.SentTo(s_dialer).Any(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal)), Is.True.After(2000, 20));
        var channels = edge.Ledger.ViewOf("carrier")!;
        Assert.That((channels.InUse, channels.Admitted), Is.EqualTo((1, 1L)), "one channel for both attempts, held by the answered call");
        Assert.That(edge.SentTo(s_dialer).Any(m => m.StartsWith("SIP/2.0 408 ", StringComparison.Ordinal) || m.StartsWith("SIP/2.0 503 ", StringComparison.Ordinal)),
            Is.False, "the dialer never heard of the dead target");
    }

    [Test]
    public async Task EveryAddressOfAServer_IsTriedOn503_BeforeTheNextServer()
    {
        _dns.AddA("carrier.test", "198.51.100.7");
        _dns.AddA("carrier.test", "198.51.100.8");
        var first = EdgeHarness.Udp("198.51.100.7", 5070);
        var second = EdgeHarness.Udp("198.51.100.8", 5070);
        var backup = EdgeHarness.Udp("198.51.100.9", 5060);
        using var edge = new EdgeHarness(Dns, Carrier(
            new TrunkServerInput { Host = "carrier.test", Port = 5070, Priority = 1 },
            new TrunkServerInput { Host = "198.51.100.9", Port = 5060, Priority = 2 }));
        await edge.ReceiveAsync(Invite("f2"), s_dialer);

        await edge.ReceiveAsync(Answer(FirstInviteTo(edge, first), "503 Service Unavailable", first), first);
        Assert.That(edge.SentTo(backup), Is.Empty, "the server's second address comes before the next server");
        await edge.ReceiveAsync(Answer(FirstInviteTo(edge, second), "503 Service Unavailable", second), second);
        var last = FirstInviteTo(edge, backup);
        Assert.That(last, Does.StartWith("INVITE sip:5551234@198.51.100.9:5060 SIP/2.0\r\n"));
        await edge.ReceiveAsync(Answer(last, "200 OK", backup), backup);

        Assert.That(() => edge.SentTo(s_dialer).Any(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal)), Is.True.After(2000, 20));
        Assert.That(edge.SentTo(s_dialer).Any(m => m.StartsWith("SIP/2.0 503 ", StringComparison.Ordinal)), Is.False, "503s are not relayed while addresses remain");
        Assert.That(edge.Ledger.ViewOf("carrier")!.Admitted, Is.EqualTo(1L), "three attempts, one channel");
    }

    [Test]
    public async Task AFirstServer_GoesToTheNamesOwnAddressBeforeItsSrvTargets()
    {
        _dns.AddA("carrier.test", "198.51.100.7");
        _dns.AddSrv("_sip._udp.carrier.test", 10, 0, 5062, "srv.carrier.test");
        _dns.AddA("srv.carrier.test", "198.51.100.8");
        var own = EdgeHarness.Udp("198.51.100.7", 5060);
        var srv = EdgeHarness.Udp("198.51.100.8", 5062);
        using var edge = new EdgeHarness(Dns, Carrier(new TrunkServerInput { Host = "carrier.test", DnsOrder = "a-first" }));
        await edge.ReceiveAsync(Invite("f3"), s_dialer);
        await edge.ReceiveAsync(Answer(FirstInviteTo(edge, own), "503 Service Unavailable", own), own);
        await edge.ReceiveAsync(Answer(FirstInviteTo(edge, srv), "486 Busy Here", srv), srv);
        Assert.That(() => edge.SentTo(s_dialer).Any(m => m.StartsWith("SIP/2.0 486 ", StringComparison.Ordinal)), Is.True.After(2000, 20),
            "the SRV target's answer is the call's");
        Assert.That(edge.Ledger.ViewOf("carrier")!.InUse, Is.Zero, "the failure freed the channel");
    }

    [Test]
    public async Task ANameWithManyAddresses_IsTriedAtMostFourAddressesDeep_ThenTheNextServer()
    {
        var addresses = Enumerable.Range(1, 6).Select(i => $"198.51.100.{10 + i}").ToList();
        foreach (var address in addresses)
        {
            _dns.AddA("many.carrier.test", address);
        }
        var backup = EdgeHarness.Udp("198.51.100.9", 5060);
        using var edge = new EdgeHarness(Dns, Carrier(
            new TrunkServerInput { Host = "many.carrier.test", Port = 5070, Priority = 1 },
            new TrunkServerInput { Host = "198.51.100.9", Port = 5060, Priority = 2 }));
        await edge.ReceiveAsync(Invite("f4"), s_dialer);
        var tried = addresses.Take(SipServerLocator.MaxAddressesTried).Select(a => EdgeHarness.Udp(a, 5070)).ToList();
        foreach (var carrier in tried)
        {
            await edge.ReceiveAsync(Answer(FirstInviteTo(edge, carrier), "503 Service Unavailable", carrier), carrier);
        }
        await edge.ReceiveAsync(Answer(FirstInviteTo(edge, backup), "200 OK", backup), backup);

        Assert.That(() => edge.SentTo(s_dialer).Any(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal)), Is.True.After(2000, 20));
        foreach (var untried in addresses.Skip(SipServerLocator.MaxAddressesTried))
        {
            Assert.That(edge.SentTo(EdgeHarness.Udp(untried, 5070)), Is.Empty, $"{untried} is beyond the bound");
        }
        Assert.That(SipServerLocator.MaxAddressesTried, Is.EqualTo(4));
    }
}
