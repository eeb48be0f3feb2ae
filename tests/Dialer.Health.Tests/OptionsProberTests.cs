using System.Net;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Health.Tests;

/// <summary>OPTIONS probes over real sockets on loopback: IPv6 servers, several source addresses, names with several addresses.</summary>
public sealed class OptionsProberTests
{
    private static readonly SipListenAddress[] s_bothFamilies =
    [
        new(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)),
        new(SipProtocol.Udp, new IPEndPoint(IPAddress.IPv6Loopback, 0)),
    ];

    private static Trunk TrunkWith(params TrunkServerInput[] servers) => PeerValidator.Trunk(new TrunkInput
    {
        Name = "probed",
        ChannelCap = 1,
        Probe = new ProbePolicyInput { TimeoutMs = 500 },
        Servers = [.. servers],
    }, null);

    /// <summary>A UAS answering every OPTIONS with 200, copying what a response copies.</summary>
    private static string? Ok(string request) => request.StartsWith("OPTIONS ", StringComparison.Ordinal)
        ? $"SIP/2.0 200 OK\r\nVia: {SipText.Header(request, "Via")}\r\nFrom: {SipText.Header(request, "From")}\r\n" +
          $"To: {SipText.Header(request, "To")};tag=up\r\nCall-ID: {SipText.Header(request, "Call-ID")}\r\nCSeq: {SipText.Header(request, "CSeq")}\r\nContent-Length: 0\r\n\r\n"
        : null;

    [Test]
    public async Task Ipv6Server_IsProbedFromAnIpv6Address_WithTheHostInBrackets()
    {
        using var carrier = new UdpPeer("::1", answer: Ok);
        var trunk = TrunkWith(new TrunkServerInput { Host = "::1", Port = carrier.Local.Port });
        await using var prober = new OptionsProber(s_bothFamilies, TimeProvider.System);
        var outcome = await prober.ProbeAsync(trunk, trunk.Servers[0], CancellationToken.None);
        Assert.That(outcome.Alive, Is.True, outcome.Cause);
        var options = carrier.Received.Single();
        var port = carrier.Local.Port;
        Assert.Multiple(() =>
        {
            Assert.That(options, Does.StartWith($"OPTIONS sip:[::1]:{port} SIP/2.0\r\n"), "RFC 5118 §4.1: brackets in the Request-URI");
            Assert.That(SipText.Header(options, "To"), Is.EqualTo($"<sip:[::1]:{port}>"));
            Assert.That(SipText.Header(options, "Via"), Does.Match(@"^SIP/2\.0/UDP \[::1\]:\d+;"), "sent from the IPv6 source");
            Assert.That(SipText.Header(options, "From"), Does.StartWith("<sip:dialer-health@[::1]:"));
        });
    }

    [Test]
    public async Task Ipv4Server_IsProbedFromTheIpv4Address_WhenBothAreBound()
    {
        using var carrier = new UdpPeer("127.0.0.1", answer: Ok);
        var trunk = TrunkWith(new TrunkServerInput { Host = "127.0.0.1", Port = carrier.Local.Port });
        await using var prober = new OptionsProber([.. s_bothFamilies.Reverse()], TimeProvider.System);
        var outcome = await prober.ProbeAsync(trunk, trunk.Servers[0], CancellationToken.None);
        Assert.That(outcome.Alive, Is.True, outcome.Cause);
        Assert.That(SipText.Header(carrier.Received.Single(), "Via"), Does.Match(@"^SIP/2\.0/UDP 127\.0\.0\.1:\d+;"));
    }

    [Test]
    public async Task NoSourceOfTheServersFamily_IsAFailureThatSaysSo()
    {
        var trunk = TrunkWith(new TrunkServerInput { Host = "::1", Port = 5999 });
        await using var prober = new OptionsProber([s_bothFamilies[0]], TimeProvider.System);
        var outcome = await prober.ProbeAsync(trunk, trunk.Servers[0], CancellationToken.None);
        Assert.That(outcome.Alive, Is.False);
        Assert.That(outcome.Cause, Does.Contain("IPv6"));
    }

    [Test]
    public async Task NameWithADeadFirstAddress_IsAliveThroughTheSecond()
    {
        await using var dns = new FakeDnsServer();
        using var dead = new UdpPeer("127.0.0.1");
        using var live = new UdpPeer("127.0.0.1", answer: Ok);
        dns.AddSrv("_sip._udp.carrier.test", 10, 0, dead.Local.Port, "dead.carrier.test");
        dns.AddSrv("_sip._udp.carrier.test", 20, 0, live.Local.Port, "live.carrier.test");
        dns.AddA("dead.carrier.test", "127.0.0.1");
        dns.AddA("live.carrier.test", "127.0.0.1");
        var trunk = TrunkWith(new TrunkServerInput { Host = "carrier.test" });
        await using var prober = new OptionsProber(s_bothFamilies, TimeProvider.System, new DnsResolver(new DnsSettings { Servers = [dns.Endpoint] }, TimeProvider.System));
        var outcome = await prober.ProbeAsync(trunk, trunk.Servers[0], CancellationToken.None);
        Assert.That(outcome.Alive, Is.True, outcome.Cause);
        Assert.That(dead.Received, Is.Not.Empty, "the first SRV target was probed first");
        Assert.That(live.Received[0], Does.StartWith("OPTIONS sip:carrier.test SIP/2.0\r\n"), "the server's domain stays in the Request-URI");
    }
}
