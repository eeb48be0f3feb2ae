using Dialer.Edge.Core;
using Dialer.Peers.Model;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>
/// Clustered as node "b": a call to a phone whose binding node "a" holds is handed to "a" (no Record-Route, nothing
/// kept), its CANCEL follows, and a call "a" hands over is never handed back.
/// </summary>
public sealed class FlowHandoffTests
{
    private static readonly Dialer.Sip.Transport.SipEndpoint s_dialer = EdgeHarness.Udp("192.0.2.5", 5070);
    private static readonly Dialer.Sip.Transport.SipEndpoint s_nodeA = EdgeHarness.Udp("192.0.2.20", 5060);
    private static readonly Dialer.Sip.Transport.SipEndpoint s_phone = EdgeHarness.Udp("203.0.113.50", 40000);

    private static EdgeHarness Cluster()
    {
        var routes = new ClusterRoutes();
        routes.Replace([("a", "192.0.2.20:5060", true)]);
        var phone = new Phone("2001", "", "2001", "test.example", new PhoneCredentials("", ""), ["PCMU", "PCMA"], 5, [], "", ["MD5"], Active: true, Version: 1);
        var edge = new EdgeHarness(new Dialer.Sip.Dns.DnsSettings(), routes, new List<Phone> { phone });
        var now = edge.Clock.GetUtcNow();
        edge.Location.Restore([new Binding("2001", "sip:2001@10.0.0.9:5060", "udp", s_phone.Address, now.AddHours(1), -1, "r1", 1, "ua", now, Node: "a")]);
        return edge;
    }

    private static string Invite(Dialer.Sip.Transport.SipEndpoint from, string branch, string extraVia = "") =>
        $"INVITE sip:2001@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP {from.Address};branch={branch};rport\r\n{extraVia}Max-Forwards: 70\r\n" +
        $"From: <sip:dialer@192.0.2.5>;tag=caller\r\nTo: <sip:2001@192.0.2.1>\r\nCall-ID: handoff-1\r\nCSeq: 1 INVITE\r\n" +
        "Contact: <sip:dialer@192.0.2.5:5070>\r\nContent-Length: 0\r\n\r\n";

    [Test]
    public async Task ACallForAnotherNodesBinding_IsHandedToThatNode_AndItsCancelFollows()
    {
        using var edge = Cluster();
        await edge.ReceiveAsync(Invite(s_dialer, "z9hG4bK-handoff-1"), s_dialer);
        var handed = edge.SentTo(s_nodeA);
        Assert.Multiple(() =>
        {
            Assert.That(handed, Has.Count.EqualTo(1), "the INVITE went to node a");
            Assert.That(handed[0], Does.StartWith("INVITE sip:2001@192.0.2.1 SIP/2.0"), "unchanged Request-URI: node a looks the phone up itself");
            Assert.That(SipText.Header(handed[0], "Record-Route"), Is.Null, "this node stays out of the call");
            Assert.That(SipText.Headers(handed[0], "Via")[1], Does.Contain("received=192.0.2.5").Or.Contain("rport=5070"), "the caller's own address, for node a");
            Assert.That(edge.SentTo(s_phone), Is.Empty, "never straight to a phone whose flow another node holds");
            Assert.That(edge.Dialogs.Count, Is.Zero, "no dialog here");
        });

        var cancel = "CANCEL sip:2001@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.5:5070;branch=z9hG4bK-handoff-1;rport\r\nMax-Forwards: 70\r\n" +
            "From: <sip:dialer@192.0.2.5>;tag=caller\r\nTo: <sip:2001@192.0.2.1>\r\nCall-ID: handoff-1\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n";
        await edge.ReceiveAsync(cancel, s_dialer);
        Assert.Multiple(() =>
        {
            Assert.That(edge.SentTo(s_dialer).Any(m => m.StartsWith("SIP/2.0 200", StringComparison.Ordinal) && m.Contains("CANCEL", StringComparison.Ordinal)),
                Is.True, "the CANCEL is answered");
            Assert.That(edge.SentTo(s_nodeA)[^1], Does.StartWith("CANCEL sip:2001@192.0.2.1 SIP/2.0"), "and passed on to node a");
        });
    }

    [Test]
    public async Task ACallNodeAHandsOver_ForABindingThisNodeDoesNotHold_IsNeverHandedBack()
    {
        using var edge = Cluster();
        var viaOfDialer = "Via: SIP/2.0/UDP 192.0.2.5:5070;branch=z9hG4bK-dialer;received=192.0.2.5;rport=5070\r\n";
        await edge.ReceiveAsync(Invite(s_nodeA, "z9hG4bK-from-a", viaOfDialer), s_nodeA);
        Assert.Multiple(() =>
        {
            Assert.That(edge.SentTo(s_nodeA).Any(m => m.StartsWith("SIP/2.0 480", StringComparison.Ordinal)), Is.True, "480: no binding of ours");
            Assert.That(edge.SentTo(s_nodeA).Any(m => m.StartsWith("INVITE", StringComparison.Ordinal)), Is.False, "not sent back");
            Assert.That(edge.SentTo(s_phone), Is.Empty);
        });
    }

    [Test]
    public async Task OnlyTheNodeHoldingANatedPhonesFlow_PingsIt()
    {
        using var edge = Cluster();
        var now = edge.Clock.GetUtcNow();
        var ours = EdgeHarness.Udp("203.0.113.51", 40001);
        edge.Location.Restore([new Binding("2002", "sip:2002@10.0.0.10:5060", "udp", ours.Address, now.AddHours(1), -1, "r2", 1, "ua", now, Node: "b")]);
        await edge.Keepalive.PingAllAsync();
        Assert.Multiple(() =>
        {
            Assert.That(edge.SentTo(ours).Count(m => m.StartsWith("OPTIONS", StringComparison.Ordinal)), Is.EqualTo(1), "our own NATed binding");
            Assert.That(edge.SentTo(s_phone), Is.Empty, "node a's: its NAT lets only node a in, and our misses would remove it everywhere");
        });
    }
}
