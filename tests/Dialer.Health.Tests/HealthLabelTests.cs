using Dialer.Health;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using NUnit.Framework;

namespace Dialer.Health.Tests;

/// <summary>A trunk's label and reason from its servers' states and its channels.</summary>
public sealed class HealthLabelTests
{
    private static readonly Trunk s_trunk = new("carrier-a", "", 30, 0, ["PCMU"], "9", [], null, CallOriginHeader.Pai, RuriTransform.None, "", "",
        ProbePolicy.Default, [], Active: true, Version: 1);

    private static (TrunkServerKey, ServerStatus) Server(string host, ServerHealthState state, string cause = "") =>
        (new TrunkServerKey("carrier-a", host, 5060, SipTransport.Udp), new ServerStatus(state, cause, DateTimeOffset.UnixEpoch, null));

    private static (string Label, string Reason) Label(ChannelHealthReport? channels = null, RejectionCounts? rejected = null,
        Trunk? trunk = null, params (TrunkServerKey, ServerStatus)[] servers) =>
        HealthReporter.Label(trunk ?? s_trunk, servers, channels ?? new ChannelHealthReport(0, 0, 30), rejected ?? RejectionCounts.None, TimeSpan.FromSeconds(60));

    [Test]
    public void AllUp_IsHealthy() =>
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Up), Server("192.0.2.11", ServerHealthState.Up)]),
            Is.EqualTo(("healthy", "all 2 servers up")));

    [Test]
    public void OneDown_IsDegraded_NamingTheServerAndCause() =>
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Down, "timeout x3"), Server("192.0.2.11", ServerHealthState.Up)]),
            Is.EqualTo(("degraded", "1 of 2 servers down: 192.0.2.10:5060 timeout x3")));

    [Test]
    public void AllEnabledDown_IsDown() =>
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Down, "timeout x3"), Server("192.0.2.11", ServerHealthState.Disabled)]).Label,
            Is.EqualTo("down"));

    [Test]
    public void AtTheCap_IsFull_EvenWithEveryServerUp() =>
        Assert.That(Label(new ChannelHealthReport(30, 30, 30), servers: [Server("192.0.2.10", ServerHealthState.Up)]),
            Is.EqualTo(("full", "30 of 30 channels in use")));

    [Test]
    public void RefusedForTheCapInTheWindow_IsFull() =>
        Assert.That(Label(new ChannelHealthReport(3, 30, 30), new RejectionCounts(12, 0, 0, 0), servers: [Server("192.0.2.10", ServerHealthState.Up)]).Reason,
            Is.EqualTo("12 calls refused at the channel cap (30) in the last 60 s"));

    [Test]
    public void InactiveTrunk_OrEveryServerDisabled_IsDisabled()
    {
        Assert.That(Label(trunk: s_trunk with { Active = false }, servers: [Server("192.0.2.10", ServerHealthState.Up)]).Label, Is.EqualTo("disabled"));
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Disabled)]), Is.EqualTo(("disabled", "the server is disabled")));
    }

    [Test]
    public void NoServerProbedYet_IsPending()
    {
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Unknown), Server("192.0.2.11", ServerHealthState.Unknown)]),
            Is.EqualTo(("pending", "not probed yet")));
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Unknown), Server("192.0.2.11", ServerHealthState.Disabled)]),
            Is.EqualTo(("pending", "not probed yet")), "a disabled server is not waited for");
    }

    [Test]
    public void NotProbedYet_AtTheCap_IsFull() =>
        Assert.That(Label(new ChannelHealthReport(30, 30, 30), servers: [Server("192.0.2.10", ServerHealthState.Unknown)]),
            Is.EqualTo(("full", "30 of 30 channels in use; not probed yet")));

    [Test]
    public void SomeNotProbedYet_IsDegraded() =>
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Unknown), Server("192.0.2.11", ServerHealthState.Up)]),
            Is.EqualTo(("degraded", "1 of 2 servers not probed yet")));

    [Test]
    public void OneDown_OtherNotProbedYet_IsDegraded() =>
        Assert.That(Label(servers: [Server("192.0.2.10", ServerHealthState.Down, "timeout x3"), Server("192.0.2.11", ServerHealthState.Unknown)]),
            Is.EqualTo(("degraded", "1 of 2 servers down: 192.0.2.10:5060 timeout x3; 1 of 2 servers not probed yet")));
}
