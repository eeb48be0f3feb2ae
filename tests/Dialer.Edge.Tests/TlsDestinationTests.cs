using System.Net;
using Dialer.Edge.Calls;
using Dialer.Edge.Core;
using Dialer.Peers.Model;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using Dialer.Sip.Transport.Tls;
using Dialer.Sip.Uris;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>Where TLS goes (issue 14): bindings over TLS keep their connection, sips:/transport=tls URIs mean TLS, TLS trunk servers are TLS.</summary>
public sealed class TlsDestinationTests
{
    [Test]
    public void BindingRegisteredOverTls_IsReachedOnItsConnection()
    {
        var source = new IPEndPoint(IPAddress.Loopback, 40_123);
        var binding = new Binding("1001", "sips:1001@10.0.0.5:5061", "tls", source, DateTimeOffset.UtcNow.AddHours(1), -1, "c", 1, "ua", DateTimeOffset.UtcNow);
        Assert.That(Destinations.ForBinding(binding), Is.EqualTo(new SipEndpoint(SipProtocol.Tls, source)));
    }

    [TestCase("sips:a@127.0.0.1", SipProtocol.Tls, 5061)]
    [TestCase("sip:a@127.0.0.1;transport=tls", SipProtocol.Tls, 5060)]
    [TestCase("sip:a@127.0.0.1:5070;transport=TCP", SipProtocol.Tcp, 5070)]
    [TestCase("sip:a@127.0.0.1", SipProtocol.Udp, 5060)]
    public void UriTransport_IsHonoured(string text, SipProtocol protocol, int port)
    {
        var endpoint = Destinations.ForUri(SipUri.Parse(text));
        Assert.That(endpoint, Is.EqualTo(new SipEndpoint(protocol, new IPEndPoint(IPAddress.Loopback, port))));
    }

    [TestCase(SipTransport.Tls, SipScheme.Sips, SipProtocol.Tls, "sips", "")]
    [TestCase(SipTransport.Tls, SipScheme.Sip, SipProtocol.Tls, "sip", ";transport=tls")]
    [TestCase(SipTransport.Tcp, SipScheme.Sip, SipProtocol.Tcp, "sip", ";transport=tcp")]
    [TestCase(SipTransport.Udp, SipScheme.Sip, SipProtocol.Udp, "sip", "")]
    public void TrunkServer_TransportAndUri(SipTransport transport, SipScheme scheme, SipProtocol protocol, string uriScheme, string parameter)
    {
        var server = new TrunkServer("192.0.2.1", 5061, transport, scheme, "", 1, 1, true);
        Assert.That(TrunkResolver.ProtocolOf(server), Is.EqualTo(protocol));
        Assert.That(server.UriSchemeAndTransport(), Is.EqualTo((uriScheme, parameter)));
    }

    [Test]
    public void TlsPolicy_ChecksTheOutboundProxyOrTheConfiguredName()
    {
        var viaProxy = new TrunkServer("carrier.example", null, SipTransport.Tls, SipScheme.Sips, "edge-proxy.example:5061", 1, 1, true);
        var trunk = new Trunk("t", "", 1, 0, [], "", [], null, CallOriginHeader.Pai, RuriTransform.None, "", "", ProbePolicy.Default, [viaProxy], true, 1);
        Assert.That(TrunkResolver.PolicyFor(trunk, viaProxy).ServerName, Is.EqualTo("edge-proxy.example"));
        var named = trunk with { Tls = new TrunkTls("/etc/ca.pem", false, "sip.carrier.example") };
        Assert.That(TrunkResolver.PolicyFor(named, viaProxy), Is.EqualTo(new Sip.Transport.Tls.TlsClientPolicy("sip.carrier.example", "/etc/ca.pem")));
    }

    [Test]
    public async Task SipsTrunkServerByName_IsLocatedByItsSipsTcpSrv_AndEachTargetGetsTheTrunksChecks()
    {
        await using var dns = new FakeDnsServer();
        dns.AddSrv("_sip._udp.carrier.test", 1, 0, 5060, "udp.carrier.test");
        dns.AddSrv("_sips._tcp.carrier.test", 20, 0, 5062, "b.carrier.test");
        dns.AddSrv("_sips._tcp.carrier.test", 10, 0, 5061, "a.carrier.test");
        dns.AddA("udp.carrier.test", "192.0.2.9");
        dns.AddA("a.carrier.test", "192.0.2.1");
        dns.AddA("b.carrier.test", "192.0.2.2");
        var server = new TrunkServer("carrier.test", null, SipTransport.Tls, SipScheme.Sips, "", 1, 1, true);
        var trunk = new Trunk("t", "", 1, 0, [], "", [], null, CallOriginHeader.Pai, RuriTransform.None, "", "", ProbePolicy.Default, [server], true, 1)
        {
            Tls = new TrunkTls("/etc/ca.pem", false, ""),
        };
        var peers = new TlsClientPolicies();
        var resolver = new TrunkResolver(new DnsResolver(new DnsSettings { Servers = [dns.Endpoint] }, TimeProvider.System), peers);
        var found = await resolver.ResolveAsync(trunk, server);
        Assert.That(found.Select(e => e.ToString()), Is.EqualTo(new[] { "tls:192.0.2.1:5061", "tls:192.0.2.2:5062" }));
        Assert.That(peers.For(found[1].Address), Is.EqualTo(new TlsClientPolicy("carrier.test", "/etc/ca.pem")), "checked as the server's name, not the SRV target's");
    }
}
