using System.Net;
using Dialer.Edge.Location;
using Dialer.Peers.Model;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>Bindings expire on time, on a fake clock.</summary>
public sealed class LocationServiceTests
{
    private static Binding Binding(ManualTimeProvider clock, string contact, int seconds, int q = -1) =>
        new("1001", contact, "udp", new IPEndPoint(IPAddress.Loopback, 5070), clock.GetUtcNow().AddSeconds(seconds), q, "c", 1, "ua", clock.GetUtcNow());

    [Test]
    public void Bindings_DisappearWhenTheyExpire()
    {
        var clock = new ManualTimeProvider();
        using var location = new LocationService(clock, writer: null);
        location.Update("1001", _ => ((IReadOnlyList<Binding>)[Binding(clock, "sip:a@h", 60), Binding(clock, "sip:b@h", 120)], 0));
        Assert.That(location.Lookup("1001"), Has.Count.EqualTo(2));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.That(location.Lookup("1001"), Has.Count.EqualTo(2));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(location.Lookup("1001").Select(b => b.Contact), Is.EqualTo(new[] { "sip:b@h" }));
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.That(location.Lookup("1001"), Is.Empty);
        Assert.That(location.All(), Is.Empty);
    }

    [Test]
    public void ContactAndSourceLookups_FollowChangesAndExpiry()
    {
        var clock = new ManualTimeProvider();
        using var location = new LocationService(clock, writer: null);
        location.Update("1001", _ => ((IReadOnlyList<Binding>)[Binding(clock, "sip:a@h", 60)], 0));
        Assert.That(location.FindByContact("sip:a@h")?.Extension, Is.EqualTo("1001"));
        Assert.That(location.HasSource(IPAddress.Loopback), Is.True);
        Assert.That(location.FindByContact("sip:other@h"), Is.Null);
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.That(location.FindByContact("sip:a@h"), Is.Null);
        Assert.That(location.HasSource(IPAddress.Loopback), Is.False, "the sweep removed the expired binding");
    }

    [Test]
    public void Lookup_OrdersByQThenNewest()
    {
        var clock = new ManualTimeProvider();
        using var location = new LocationService(clock, writer: null);
        location.Update("1001", _ => ((IReadOnlyList<Binding>)[Binding(clock, "sip:low@h", 60, q: 100), Binding(clock, "sip:high@h", 60, q: 900), Binding(clock, "sip:none@h", 60)], 0));
        Assert.That(location.Lookup("1001").Select(b => b.Contact), Is.EqualTo(new[] { "sip:high@h", "sip:low@h", "sip:none@h" }));
    }

    [Test]
    public void RemoveFlow_RemovesOnlyTheBindingsOfThatConnection()
    {
        var clock = new ManualTimeProvider();
        using var location = new LocationService(clock, writer: null);
        var flow = new IPEndPoint(IPAddress.Loopback, 40_001);
        Binding Over(string extension, string contact, string protocol, IPEndPoint source) => Binding(clock, contact, 600) with { Extension = extension, Protocol = protocol, Source = source };
        location.Update("1001", _ => ((IReadOnlyList<Binding>)[Over("1001", "sips:a@h", "tls", flow), Over("1001", "sip:b@h", "tls", new IPEndPoint(IPAddress.Loopback, 40_002))], 0));
        location.Update("1002", _ => ((IReadOnlyList<Binding>)[Over("1002", "sip:c@h", "tcp", flow), Over("1002", "sips:d@h", "tls", flow)], 0));
        var removed = location.RemoveFlow("tls", flow);
        Assert.That(removed.Select(b => b.Contact), Is.EquivalentTo(new[] { "sips:a@h", "sips:d@h" }));
        Assert.That(location.All().Select(b => b.Contact), Is.EqualTo(new[] { "sip:b@h", "sip:c@h" }), "another port, another protocol: other connections");
        Assert.That(location.RemoveFlow("tls", flow), Is.Empty, "nothing twice");
    }
}
