using System.Net;
using System.Text;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>Routes naming another node of a cluster, and the guard's verdict for a dialog this node does not hold.</summary>
public sealed class ClusterRouteTests
{
    private static readonly SipEndpoint s_dialer = new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5070));
    private static readonly EdgeSettings s_settings = new() { Listen = [new SipListenAddress(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060))] };

    private static SipMessage Bye(string routeHost, int routePort, string token)
    {
        var text = $"""
            BYE sip:carrier@198.51.100.7 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-1
            Route: <sip:{routeHost}:{routePort};lr;dlg={token}>
            From: <sip:dialer@192.0.2.1>;tag=from-dialer
            To: <sip:carrier@198.51.100.7>;tag=to-carrier
            Call-ID: call-1@dialer
            CSeq: 2 BYE
            Max-Forwards: 70
            Content-Length: 0


            """;
        var message = new SipMessage();
        Assert.That(SipParser.Parse(Encoding.ASCII.GetBytes(text.ReplaceLineEndings("\r\n")), SipFraming.Datagram, message, out _), Is.EqualTo(ParseStatus.Complete));
        return message;
    }

    [Test]
    public void ClusterRoutes_NameTheOtherNodesListenAddresses_Only()
    {
        var routes = new ClusterRoutes();
        Assert.That(routes.Names("192.0.2.11", 5060), Is.False, "none known yet");
        routes.Replace([("b", "192.0.2.11:5060 192.0.2.11:5061", true), ("c", "", true), ("d", "not-an-address [2001:db8::1]:5062", true),
            ("dead", "192.0.2.13:5060", false)]);
        Assert.Multiple(() =>
        {
            Assert.That(routes.Names("192.0.2.11", 5060), Is.True);
            Assert.That(routes.Names("192.0.2.11", 0), Is.True, "no port is 5060");
            Assert.That(routes.Names("192.0.2.11", 5061), Is.True);
            Assert.That(routes.Names("2001:db8::1", 5062), Is.True);
            Assert.That(routes.Names("192.0.2.11", 5070), Is.False, "another port of that host");
            Assert.That(routes.Names("edge.example", 5060), Is.False, "names are not looked up");
        });
        Assert.Multiple(() =>
        {
            Assert.That(routes.Names(new IPEndPoint(IPAddress.Parse("192.0.2.11"), 5061)), Is.True, "a node's request comes from its listen socket");
            Assert.That(routes.Udp("b", System.Net.Sockets.AddressFamily.InterNetwork), Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.11"), 5060)));
            Assert.That(routes.Udp("d", System.Net.Sockets.AddressFamily.InterNetworkV6)?.Port, Is.EqualTo(5062));
            Assert.That(routes.Udp("e", System.Net.Sockets.AddressFamily.InterNetwork), Is.Null, "an unknown node");
            Assert.That(routes.Udp("dead", System.Net.Sockets.AddressFamily.InterNetwork), Is.Null, "calls are not handed to a dead node");
            Assert.That(routes.Names("192.0.2.13", 5060), Is.True, "but its dialogs' Routes are still ours to check");
        });
        routes.Replace([("b2", "192.0.2.12:5060", true)]);
        Assert.That(routes.Names("192.0.2.11", 5060), Is.False, "a node that left");
    }

    [Test]
    public void AGenuineTokenOfADialogNotHeldHere_IsElsewhereWhenClustered_AndUnknownAlone()
    {
        var dialogs = new DialogTable(new DialogToken(TestKeys.NewKey()), new ManualTimeProvider(), TimeSpan.FromHours(1), 10);
        var token = dialogs.Token.Issue("0123456789abcdef", "call-1@dialer"u8);
        var routes = new ClusterRoutes();
        routes.Replace([("b", "192.0.2.11:5060", true)]);
        var clustered = new DialogGuard(new EdgeAddresses(s_settings, s_settings.Listen, routes), dialogs, clustered: true);
        var alone = new DialogGuard(new EdgeAddresses(s_settings, s_settings.Listen), dialogs);

        Assert.Multiple(() =>
        {
            Assert.That(clustered.Check(Bye("192.0.2.11", 5060, token), s_dialer, out _, out var id), Is.EqualTo(RouteVerdict.Elsewhere), "a Route naming the other node");
            Assert.That(id, Is.EqualTo("0123456789abcdef"));
            Assert.That(clustered.Check(Bye("192.0.2.10", 5060, token), s_dialer, out _, out _), Is.EqualTo(RouteVerdict.Elsewhere), "a Route naming this node");
            Assert.That(clustered.Check(Bye("192.0.2.11", 5060, token[..^1] + (token[^1] == '0' ? '1' : '0')), s_dialer, out _, out _),
                Is.EqualTo(RouteVerdict.Forbidden), "a forged token is refused before anything is looked up");
            Assert.That(clustered.Check(Bye("192.0.2.99", 5060, token), s_dialer, out _, out _), Is.EqualTo(RouteVerdict.NotRouted), "a Route naming no node");
            Assert.That(alone.Check(Bye("192.0.2.10", 5060, token), s_dialer, out _, out _), Is.EqualTo(RouteVerdict.UnknownDialog));
            Assert.That(alone.Check(Bye("192.0.2.11", 5060, token), s_dialer, out _, out _), Is.EqualTo(RouteVerdict.NotRouted), "alone, no other node is known");
        });
    }
}
