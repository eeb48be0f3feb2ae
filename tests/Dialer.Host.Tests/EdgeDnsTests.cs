using System.Globalization;
using System.Net;
using Dialer.Campaigns.Calls;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Trunk servers by name through `dialer serve` with Dialer:Sip:Dns:Servers pointing at a fake DNS server: failover
/// along SRV targets on one channel, and the outbound proxy as next hop with the server's domain kept, for the INVITE and,
/// once it is answered, for the call's ACK and BYE.
/// </summary>
// Timing-sensitive (a 32 s timer B): runs alone, not beside another fixture.
[NonParallelizable]
public sealed class EdgeDnsTests
{
    private FakeDnsServer _dns = null!;
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _dns = new FakeDnsServer();
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Sip:Dns:Servers:0"] = _dns.Endpoint.ToString(),
        });
        _admin = _server.Client();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
    }

    private async Task CreateTrunkAsync(string json)
    {
        var created = await _admin.PostJsonAsync("/api/trunks", json);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await _server.WaitForPeersAsync();
    }

    private async Task<CallResult> DialAsync(string number, TimeSpan wait)
    {
        await using var dialer = new SipDialer(new SipEndpoint(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, _server.SipPort())),
            IPAddress.Loopback, TimeProvider.System);
        return await dialer.CallAsync(new CallRequest(number, "none", wait, TimeSpan.FromMilliseconds(200)), CancellationToken.None);
    }

    private async Task<System.Text.Json.JsonElement> ChannelsAsync(string trunk)
    {
        var all = await (await _admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync();
        return all.EnumerateArray().Single(t => t.GetProperty("trunk").GetString() == trunk);
    }

    [Test]
    public async Task SrvWithADeadFirstTarget_TheCallCompletesOnTheSecond_OnOneChannel()
    {
        // The first target drops everything (bound, never answers): only timer B moves the call on.
        using var dead = new UdpPeer("127.0.0.1");
        var live = LoopbackPorts.Free();
        _dns.AddSrv("_sip._udp.srv-failover.test", 10, 0, dead.Local.Port, "dead.srv-failover.test");
        _dns.AddSrv("_sip._udp.srv-failover.test", 20, 0, live, "live.srv-failover.test");
        _dns.AddA("dead.srv-failover.test", "127.0.0.1");
        _dns.AddA("live.srv-failover.test", "127.0.0.1");
        await CreateTrunkAsync("""{"name":"srvfail","channelCap":1,"dialPrefix":"81","servers":[{"host":"srv-failover.test"}]}""");
        var carrier = SippProcess.Start(SippScenario.Load("carrier-answer"),
            ["-i", "127.0.0.1", "-p", live.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-trace_logs"]);
        await using (carrier)
        {
            Assert.That(await LoopbackPorts.WaitUdpBoundAsync(live), Is.True, "the SIPp carrier listens");
            var result = await DialAsync("815550000", TimeSpan.FromSeconds(60));
            Assert.That((result.Outcome, result.Code), Is.EqualTo(("answered", (int?)200)), result.Reason);
            Assert.That(dead.Received.Count(m => m.StartsWith("INVITE sip:5550000@srv-failover.test SIP/2.0", StringComparison.Ordinal)),
                Is.GreaterThanOrEqualTo(2), "the dead target got the INVITE first, and its retransmissions");
            Assert.That(result.Setup, Is.GreaterThan(TimeSpan.FromSeconds(30)), "the second target was tried only after timer B");
            Assert.That(CarrierLog.Concurrency(carrier.LogLines()).Calls, Is.EqualTo(1), "the live target carried the call");
        }
        var channels = await ChannelsAsync("srvfail");
        Assert.That(channels.GetProperty("admitted").GetInt64(), Is.EqualTo(1), "one channel for both targets");
        Assert.That(channels.GetProperty("inUse").GetInt32(), Is.Zero);
        Assert.That(channels.GetProperty("rejected").GetProperty("channelCap").GetInt64(), Is.Zero, "the retry never asked for a second channel of the cap of 1");
        await _server.Edge.FlushCallLogAsync(TimeSpan.FromSeconds(5));
        var log = await new Dialer.Peers.Storage.CallLogStore(_server.Database!.Database).RecentAsync("srvfail", 10);
        Assert.That(log.Single().Server, Is.EqualTo($"127.0.0.1:{live}"), "the carrier log names the target that carried it");
    }

    [Test]
    public async Task OutboundProxy_IsTheNextHop_AndTheServersDomainStaysInTheRequestUri()
    {
        // The proxy answers 486 to whatever INVITE it gets, so the test sees both what it received and what came back.
        using var proxy = new UdpPeer("127.0.0.1", answer: request => request.StartsWith("INVITE ", StringComparison.Ordinal)
            ? $"SIP/2.0 486 Busy Here\r\n" + string.Concat(SipText.Headers(request, "Via").Select(v => $"Via: {v}\r\n"))
              + $"From: {SipText.Header(request, "From")}\r\nTo: {SipText.Header(request, "To")};tag=proxy\r\nCall-ID: {SipText.Header(request, "Call-ID")}\r\n"
              + $"CSeq: {SipText.Header(request, "CSeq")}\r\nContent-Length: 0\r\n\r\n"
            : null);
        // The server's own name is not in the DNS at all: only the proxy is ever contacted.
        await CreateTrunkAsync($$"""
            {"name":"proxied","channelCap":1,"dialPrefix":"82",
             "servers":[{"host":"sip.far-carrier.test","port":5080,"outboundProxy":"sip:127.0.0.1:{{proxy.Local.Port}}"}]}
            """);
        var result = await DialAsync("825551111", TimeSpan.FromSeconds(10));
        Assert.That(result.Code, Is.EqualTo(486), result.Reason);
        var invite = proxy.Received.First(m => m.StartsWith("INVITE ", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(invite, Does.StartWith("INVITE sip:5551111@sip.far-carrier.test:5080 SIP/2.0\r\n"), "the carrier's domain in the Request-URI");
            Assert.That(SipText.Header(invite, "To"), Does.Not.Contain("127.0.0.1:" + proxy.Local.Port.ToString(CultureInfo.InvariantCulture)));
            Assert.That(SipText.Header(invite, "Via"), Does.StartWith("SIP/2.0/UDP 127.0.0.1:"), "the edge's Via on top");
        });
        Assert.That((await ChannelsAsync("proxied")).GetProperty("inUse").GetInt32(), Is.Zero);
    }

    // The proxy answers for the carrier: 200 to the INVITE with a Contact in the carrier's domain, or with an address
    // only the proxy can reach (nothing listens there), and 200 to the BYE. Either way ACK and BYE go to the proxy.
    [TestCase("sip.far-carrier.test:5080", "83")]
    [TestCase("127.0.0.9:5099", "84")]
    public async Task OutboundProxy_CarriesTheAnsweredCallsAckAndBye_AndTheChannelIsFreedAfterTheBye(string contact, string prefix)
    {
        using var proxy = new UdpPeer("127.0.0.1", answer: request => RawSip.Answer(request, contact));
        await CreateTrunkAsync($$"""
            {"name":"proxied-answer-{{prefix}}","channelCap":1,"dialPrefix":"{{prefix}}",
             "servers":[{"host":"sip.far-carrier.test","port":5080,"outboundProxy":"sip:127.0.0.1:{{proxy.Local.Port}}"}]}
            """);
        var result = await DialAsync($"{prefix}5552222", TimeSpan.FromSeconds(10));
        Assert.That((result.Outcome, result.Code), Is.EqualTo(("answered", (int?)200)), result.Reason);
        Assert.That(result.Reason, Does.Contain("BYE after the talk time"), "the BYE reached the proxy and was answered");
        var ack = await proxy.WaitForAsync(m => m.StartsWith("ACK ", StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        var bye = await proxy.WaitForAsync(m => m.StartsWith("BYE ", StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        Assert.Multiple(() =>
        {
            Assert.That(proxy.Received.First(m => m.StartsWith("INVITE ", StringComparison.Ordinal)),
                Does.StartWith("INVITE sip:5552222@sip.far-carrier.test:5080 SIP/2.0\r\n"));
            Assert.That(ack, Does.StartWith($"ACK sip:uas@{contact} SIP/2.0\r\n"), "the ACK went to the proxy, for the carrier's Contact");
            Assert.That(bye, Does.StartWith($"BYE sip:uas@{contact} SIP/2.0\r\n"), "so did the BYE");
        });
        var channels = await ChannelsAsync($"proxied-answer-{prefix}");
        Assert.That(channels.GetProperty("admitted").GetInt64(), Is.EqualTo(1));
        Assert.That(channels.GetProperty("inUse").GetInt32(), Is.Zero, "the channel is back after the BYE");
    }
}
