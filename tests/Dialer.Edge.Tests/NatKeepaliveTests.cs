using System.Net;
using Dialer.Edge.Location;
using Dialer.Peers.Model;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>nathelper-style keepalives: NATed bindings get OPTIONS at their observed source; silent ones are removed.</summary>
public sealed class NatKeepaliveTests
{
    private static readonly IPEndPoint s_mapped = new(IPAddress.Parse("203.0.113.50"), 40000);

    private static Binding Binding(string extension, string contact, IPEndPoint source, DateTimeOffset now) =>
        new(extension, contact, "udp", source, now.AddHours(1), -1, "reg-" + extension, 1, "test phone", now);

    [Test]
    public void OnlyContactsThatAreNotTheirSource_CountAsNated()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.That(NatKeepalive.IsNated(Binding("1", "sip:1@10.0.0.9:5060", s_mapped, now)), Is.True, "private contact, public source");
        Assert.That(NatKeepalive.IsNated(Binding("1", "sip:1@203.0.113.50:40000", s_mapped, now)), Is.False, "contact is the source");
        Assert.That(NatKeepalive.IsNated(Binding("1", "sip:1@203.0.113.50:5060", s_mapped, now)), Is.True, "port rewritten by the NAT");
        Assert.That(NatKeepalive.IsNated(Binding("1", "sip:1@10.0.0.9:5060", s_mapped, now) with { Protocol = "tcp" }), Is.False, "TCP keeps its own connection");
    }

    [Test]
    public async Task NatedBinding_IsPingedAtItsSource_KeptWhileItAnswers_AndRemovedAfterTheMisses()
    {
        using var edge = new EdgeHarness();
        var now = edge.Clock.GetUtcNow();
        edge.Location.Update("2001", _ => ((IReadOnlyList<Binding>)[Binding("2001", "sip:2001@10.0.0.9:5060", s_mapped, now)], 0));
        edge.Location.Update("2002", _ => ((IReadOnlyList<Binding>)[Binding("2002", "sip:2002@198.51.100.20:5060", new IPEndPoint(IPAddress.Parse("198.51.100.20"), 5060), now)], 0));

        await edge.Keepalive.PingAllAsync();
        Assert.That(edge.Sender.Sent, Has.Count.EqualTo(1), "only the NATed binding is pinged");
        var ping = edge.Sender.Sent[0];
        Assert.That(ping.To.Address, Is.EqualTo(s_mapped), "to the observed source, not the private contact");
        Assert.That(ping.Text, Does.StartWith("OPTIONS sip:2001@10.0.0.9:5060 SIP/2.0"));
        await edge.ReceiveAsync(Answer(ping.Text), EdgeHarness.Udp("203.0.113.50", 40000));

        // From here the phone is silent: each round counts the last round's ping as a miss and sends another, without
        // waiting for timer F (the clock does not move at all).
        for (var misses = 0; misses < edge.Settings.NatPingMisses; misses++)
        {
            await edge.Keepalive.PingAllAsync();
            Assert.That(edge.Location.Lookup("2001"), Has.Count.EqualTo(1), $"still bound after {misses} misses");
        }
        Assert.That(edge.Sender.Sent.Count(m => m.Text.StartsWith("OPTIONS ", StringComparison.Ordinal)), Is.EqualTo(1 + edge.Settings.NatPingMisses),
            "a silent binding is pinged every round");
        await edge.Keepalive.PingAllAsync();
        Assert.That(edge.Location.Lookup("2001"), Is.Empty, "removed after the misses");
        Assert.That(edge.Location.Lookup("2002"), Has.Count.EqualTo(1), "a binding not behind NAT is never pinged or removed");
    }

    private static string Answer(string options) =>
        "SIP/2.0 200 OK\r\n" + string.Concat(SipText.Headers(options, "Via").Select(v => $"Via: {v}\r\n"))
        + $"From: {SipText.Header(options, "From")}\r\nTo: {SipText.Header(options, "To")};tag=p\r\nCall-ID: {SipText.Header(options, "Call-ID")}\r\n"
        + $"CSeq: {SipText.Header(options, "CSeq")}\r\nContent-Length: 0\r\n\r\n";
}
