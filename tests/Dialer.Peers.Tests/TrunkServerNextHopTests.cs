using Dialer.Peers.Model;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

/// <summary>Where requests to a trunk server go first: the edge's calls and the health probes share this.</summary>
public sealed class TrunkServerNextHopTests
{
    private static TrunkServer Server(string proxy) => new("carrier.example.com", 5070, SipTransport.Udp, SipScheme.Sip, proxy, 1, 1, true);

    [TestCase("", "carrier.example.com", 5070)]
    [TestCase("sip:192.0.2.5:5062;lr", "192.0.2.5", 5062)]
    [TestCase("proxy.example.net", "proxy.example.net", null)]
    [TestCase("sip:[2001:db8::1]:5080", "2001:db8::1", 5080)]
    [TestCase("[2001:db8::2]", "2001:db8::2", null)]
    public void NextHop_IsTheOutboundProxyWhenSet(string proxy, string host, int? port) =>
        Assert.That(Server(proxy).NextHop(), Is.EqualTo((host, port)));
}
