using Dialer.Testing;
using System.Net;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using NUnit.Framework;

namespace Dialer.Sip.Tests.Loopback;

/// <summary>RFC 3263 location through a real UDP DNS exchange with a fake server on loopback.</summary>
public sealed class DnsTests
{
    private FakeDnsServer _server = null!;
    private ManualTimeProvider _clock = null!;
    private DnsClient _client = null!;

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
        _client = new DnsClient([_server.Endpoint], _clock, TimeSpan.FromSeconds(2));
    }

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
        var client = new DnsClient([_server.Endpoint], TimeProvider.System, TimeSpan.FromMilliseconds(100), attempts: 2);
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
            Assert.That(DnsClient.SystemServers(path).Select(e => e.ToString()), Is.EqualTo(new[] { "192.0.2.53:53", "[2001:db8::53]:53" }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class NoDns : IDnsResolver
    {
        public Task<IReadOnlyList<SrvRecord>> SrvAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<SrvRecord>>([]);
        public Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<IPAddress>>([]);
    }
}
