using Dialer.Testing;
using System.Net;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using NUnit.Framework;

namespace Dialer.Sip.Tests.Loopback;

/// <summary>RFC 3263 location through real DNS exchanges (UDP, TCP on truncation, EDNS) with a fake server on loopback.</summary>
public sealed class DnsTests
{
    private FakeDnsServer _server = null!;
    private ManualTimeProvider _clock = null!;
    private DnsResolver _client = null!;

    [SetUp]
    public void StartServer()
    {
        _server = new FakeDnsServer();
        _server.AddSrv("_sip._udp.carrier.test", 10, 60, 5070, "a.carrier.test");
        _server.AddSrv("_sip._udp.carrier.test", 10, 40, 5071, "b.carrier.test");
        _server.AddSrv("_sip._udp.carrier.test", 20, 0, 5072, "c.carrier.test");
        _server.AddSrv("_sip._tcp.carrier.test", 10, 0, 5080, "a.carrier.test");
        _server.AddA("a.carrier.test", "192.0.2.1", ttl: 30);
        _server.AddA("a.carrier.test", "2001:db8::1", ttl: 30);
        _server.AddA("b.carrier.test", "192.0.2.2");
        _server.AddA("c.carrier.test", "192.0.2.3");
        _server.AddA("plain.test", "198.51.100.7");
        _clock = new ManualTimeProvider();
        _client = Resolver(_clock);
    }

    private DnsResolver Resolver(TimeProvider clock, int edns = DnsSettings.DefaultEdnsPayloadSize, int attempts = 2, int timeoutMs = 2000) =>
        new(new DnsSettings { Servers = [_server.Endpoint], Timeout = TimeSpan.FromMilliseconds(timeoutMs), Attempts = attempts, EdnsPayloadSize = edns }, clock);

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task NameWithoutPort_UsesSrvInPriorityOrder_ThenTheirAddresses()
    {
        var endpoints = await new SipServerLocator(_client).LocateAsync("carrier.test", null, SipProtocol.Udp);
        var text = endpoints.Select(e => e.Address.ToString()).ToList();
        Assert.That(text.Take(3), Is.EquivalentTo(new[] { "192.0.2.1:5070", "[2001:db8::1]:5070", "192.0.2.2:5071" }), "priority 10 first");
        Assert.That(text[^1], Is.EqualTo("192.0.2.3:5072"), "priority 20 last");
    }

    [Test]
    public async Task TcpTransport_AsksTheTcpService()
    {
        var endpoints = await new SipServerLocator(_client).LocateAsync("carrier.test", null, SipProtocol.Tcp);
        Assert.That(endpoints.Select(e => e.ToString()), Is.EqualTo(new[] { "tcp:192.0.2.1:5080", "tcp:[2001:db8::1]:5080" }));
    }

    [Test]
    public async Task TlsTransport_AsksTheSipsTcpService_InPriorityOrder()
    {
        AddSipsTargets();
        var endpoints = await new SipServerLocator(_client).LocateAsync("carrier.test", null, SipProtocol.Tls);
        Assert.That(endpoints.Select(e => e.ToString()), Is.EqualTo(new[] { "tls:192.0.2.2:5061", "tls:192.0.2.3:5063" }),
            "RFC 3263 §4.2: _sips._tcp for TLS (never _sip._udp or _sip._tcp), priority 10 before 20");
    }

    [Test]
    public async Task AddressFirst_OverTls_TriesTheNameThenSipsTcp_AndNeverUdpTargets()
    {
        AddSipsTargets();
        _server.AddA("carrier.test", "198.51.100.1");
        var tls = await new SipServerLocator(_client, _ => 0).LocateAsync("carrier.test", null, SipProtocol.Tls, LocateOrder.AddressFirst);
        Assert.That(tls.Select(e => e.ToString()), Is.EqualTo(new[] { "tls:198.51.100.1:5061", "tls:192.0.2.2:5061", "tls:192.0.2.3:5063" }),
            "a _sip._udp target's port (5070-5072 here) speaks UDP, not TLS");
    }

    /// <summary>_sips._tcp targets, the lower priority written first so that the answer's order is not the records' order.</summary>
    private void AddSipsTargets()
    {
        _server.AddSrv("_sips._tcp.carrier.test", 20, 0, 5063, "c.carrier.test");
        _server.AddSrv("_sips._tcp.carrier.test", 10, 0, 5061, "b.carrier.test");
    }

    [Test]
    public async Task NameWithPort_SkipsSrv_AndNoSrvFallsBackToAOnPort5060()
    {
        var locator = new SipServerLocator(_client);
        Assert.That((await locator.LocateAsync("b.carrier.test", 6000, SipProtocol.Udp)).Single().Address.ToString(), Is.EqualTo("192.0.2.2:6000"));
        Assert.That((await locator.LocateAsync("plain.test", null, SipProtocol.Udp)).Single().Address.ToString(), Is.EqualTo("198.51.100.7:5060"));
        Assert.That(await locator.LocateAsync("nowhere.test", null, SipProtocol.Udp), Is.Empty);
    }

    [Test]
    public async Task IpLiteral_NeedsNoDns()
    {
        var locator = new SipServerLocator(_client);
        Assert.That((await locator.LocateAsync("[2001:db8::5]", null, SipProtocol.Tls)).Single().Address.ToString(), Is.EqualTo("[2001:db8::5]:5061"));
        Assert.That((await locator.LocateAsync("192.0.2.9", 5090, SipProtocol.Udp)).Single().Address.ToString(), Is.EqualTo("192.0.2.9:5090"));
        Assert.That(_server.Queries, Is.Zero);
    }

    [Test]
    public async Task Answers_AreCachedForTheirTtl()
    {
        await _client.AddressesAsync("a.carrier.test");
        var afterFirst = _server.Queries;
        await _client.AddressesAsync("a.carrier.test");
        Assert.That(_server.Queries, Is.EqualTo(afterFirst), "served from cache");
        _clock.Advance(TimeSpan.FromSeconds(31));
        await _client.AddressesAsync("a.carrier.test");
        Assert.That(_server.Queries, Is.GreaterThan(afterFirst), "asked again after the 30 s TTL");
    }

    [Test]
    public void SilentServer_IsADnsException()
    {
        _server.Silent = true;
        var client = Resolver(TimeProvider.System, attempts: 2, timeoutMs: 100);
        Assert.That(async () => await client.SrvAsync("_sip._udp.carrier.test"), Throws.InstanceOf<DnsException>());
        // The fake server counts on its own receive loop: give it a moment to see the second query.
        Assert.That(() => _server.Queries, Is.EqualTo(2).After(2000, 20));
    }

    [Test]
    public void Weights_DecideTheOrderWithinAPriority()
    {
        var records = new[] { new SrvRecord(1, 10, 1, "light"), new SrvRecord(1, 90, 2, "heavy"), new SrvRecord(0, 0, 3, "first") };
        var low = new SipServerLocator(new NoDns(), _ => 5).Order(records).Select(r => r.Target);
        var high = new SipServerLocator(new NoDns(), _ => 60).Order(records).Select(r => r.Target);
        Assert.That(low, Is.EqualTo(new[] { "first", "light", "heavy" }));
        Assert.That(high, Is.EqualTo(new[] { "first", "heavy", "light" }));
    }

    [Test]
    public void ResolvConf_ListsNameServers()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# comment\nsearch example\nnameserver 192.0.2.53\nnameserver 2001:db8::53\n");
            Assert.That(DnsResolver.SystemServers(path).Select(e => e.ToString()), Is.EqualTo(new[] { "192.0.2.53:53", "[2001:db8::53]:53" }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task TruncatedUdpAnswer_IsAskedAgainOverTcp_AndEveryRecordArrives()
    {
        AddManyTargets("_sip._udp.big.test", 12);
        _server.MaxUdpAnswer = 200;
        var records = await _client.SrvAsync("_sip._udp.big.test");
        Assert.That(records, Has.Count.EqualTo(12), "the TCP answer carried all the records the UDP one could not");
        Assert.That(_server.Truncated, Is.EqualTo(1));
        Assert.That(_server.TcpQueries, Is.EqualTo(1), "one retry over TCP (RFC 7766 §5)");
    }

    [Test]
    public async Task Edns_AdvertisesItsPayloadSize_SoALargeAnswerFitsOneDatagram()
    {
        // 12 SRV records make an answer of about 700 bytes: more than 512, less than 1232.
        AddManyTargets("_sip._udp.big.test", 12);
        var records = await _client.SrvAsync("_sip._udp.big.test");
        Assert.That(records, Has.Count.EqualTo(12));
        Assert.That(_server.LastPayloadSize, Is.EqualTo(DnsSettings.DefaultEdnsPayloadSize), "OPT record with our size (RFC 6891)");
        Assert.That((_server.Truncated, _server.TcpQueries), Is.EqualTo((0, 0)), "no truncation, no TCP");

        var noEdns = await Resolver(_clock, edns: 512).SrvAsync("_sip._udp.big.test");
        Assert.That(noEdns, Has.Count.EqualTo(12), "without EDNS the answer is truncated and fetched over TCP");
        Assert.That((_server.Truncated, _server.TcpQueries), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task AddressFirst_TriesTheNameThenItsSrvForTheTransportThenUdpSrv()
    {
        _server.AddA("carrier.test", "198.51.100.1");
        var locator = new SipServerLocator(_client, _ => 0);
        var udp = (await locator.LocateAsync("carrier.test", null, SipProtocol.Udp, LocateOrder.AddressFirst)).Select(e => e.ToString()).ToList();
        Assert.That(udp[0], Is.EqualTo("udp:198.51.100.1:5060"), "the name's own A record first");
        Assert.That(udp.Skip(1).Take(3), Is.EquivalentTo(new[] { "udp:192.0.2.1:5070", "udp:[2001:db8::1]:5070", "udp:192.0.2.2:5071" }));
        Assert.That(udp, Has.Count.EqualTo(5), "_sip._udp asked once for a UDP server");

        var tcp = (await locator.LocateAsync("carrier.test", null, SipProtocol.Tcp, LocateOrder.AddressFirst)).Select(e => e.ToString()).ToList();
        Assert.That(tcp.Take(3), Is.EqualTo(new[] { "tcp:198.51.100.1:5060", "tcp:192.0.2.1:5080", "tcp:[2001:db8::1]:5080" }),
            "then _sip._tcp, whose target a.carrier.test holds two addresses");
        Assert.That(tcp.Skip(3).Select(e => e.Split(':')[^1]), Is.EqualTo(new[] { "5071", "5070", "5070", "5072" }),
            "then the targets of _sip._udp, on their own ports, in RFC 2782 order");
        Assert.That((await locator.LocateAsync("carrier.test", null, SipProtocol.Udp)).Select(e => e.ToString()), Has.None.Contain("198.51.100.1"),
            "rfc3263 order uses SRV and never the name's own A record while SRV exists");
    }

    [Test]
    public async Task Srv_ListsEveryTargetAndEveryAddress_InOrder()
    {
        var endpoints = await new SipServerLocator(_client, _ => 0).LocateAsync("carrier.test", null, SipProtocol.Udp);
        Assert.That(endpoints, Has.Count.EqualTo(4), "a (v4 and v6), b, c: each one a place to fail over to");
    }

    private void AddManyTargets(string name, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _server.AddSrv(name, 10, 10, 5060 + i, $"target-number-{i:D2}.somewhat-long-carrier-domain.test");
        }
    }

    private sealed class NoDns : IDnsResolver
    {
        public Task<IReadOnlyList<SrvRecord>> SrvAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<SrvRecord>>([]);
        public Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<IPAddress>>([]);
    }
}
