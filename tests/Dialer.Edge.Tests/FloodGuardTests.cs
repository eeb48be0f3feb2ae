using System.Net;
using Dialer.Edge.Core;
using Dialer.Peers.Model;
using Dialer.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>The pike-style limiter on a manual clock.</summary>
public sealed class FloodGuardTests
{
    private static readonly IPAddress s_flooder = IPAddress.Parse("203.0.113.66");
    private static readonly IPAddress s_dialer = IPAddress.Parse("192.0.2.5");

    private static (FloodGuard Guard, ManualTimeProvider Clock) Guard(int max = 10, int maxSources = 1000)
    {
        var clock = new ManualTimeProvider();
        var settings = new FloodSettings { MaxRequests = max, MaxSources = maxSources, Exempt = [Cidr.Parse("198.51.100.0/24")] };
        return (new FloodGuard(settings, address => address.Equals(s_dialer), clock, NullLogger<FloodGuard>.Instance), clock);
    }

    [Test]
    public void SourceOverTheRate_IsDroppedForTheCoolOff_ThenServedAgain()
    {
        var (guard, clock) = Guard();
        Assert.That(Enumerable.Range(0, 10).All(_ => guard.Allow(s_flooder)), Is.True, "up to the limit");
        Assert.That(guard.Allow(s_flooder), Is.False, "over it");
        Assert.That(guard.Blocks, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.That(guard.Allow(s_flooder), Is.False, "still cooling off");
        Assert.That(guard.Blocks, Is.EqualTo(1), "one block, logged once");
        Assert.That(guard.Dropped, Is.EqualTo(2));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.That(guard.Allow(s_flooder), Is.True, "after the cool-off");
    }

    [Test]
    public void RateIsPerWindow_SoASteadySourceIsNeverBlocked()
    {
        var (guard, clock) = Guard();
        for (var window = 0; window < 20; window++)
        {
            Assert.That(Enumerable.Range(0, 10).All(_ => guard.Allow(s_flooder)), Is.True);
            clock.Advance(TimeSpan.FromSeconds(2));
        }
        Assert.That(guard.Blocks, Is.Zero);
    }

    [Test]
    public void DialersCarriersAndExemptCidrs_AreNeverLimited()
    {
        var (guard, _) = Guard();
        Assert.That(Enumerable.Range(0, 1000).All(_ => guard.Allow(s_dialer)), Is.True);
        Assert.That(Enumerable.Range(0, 1000).All(_ => guard.Allow(IPAddress.Parse("198.51.100.9"))), Is.True);
        Assert.That(guard.Tracked, Is.Zero, "trusted sources take no counter");
    }

    [Test]
    public void TheTableIsBounded_AndIdleSourcesAreSwept()
    {
        var (guard, clock) = Guard(maxSources: 100);
        for (var i = 0; i < 500; i++)
        {
            guard.Allow(IPAddress.Parse($"10.1.{i / 250}.{i % 250}"));
        }
        Assert.That(guard.Tracked, Is.LessThanOrEqualTo(100));
        clock.Advance(TimeSpan.FromSeconds(3));
        guard.Allow(IPAddress.Parse("10.9.9.9"));
        Assert.That(guard.Tracked, Is.LessThanOrEqualTo(2), "idle sources forgotten when room was needed");
    }
}
