using System.Net;
using Dialer.Peers.Model;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class CidrTests
{
    [TestCase("203.0.113.0/24", "203.0.113.0/24")]
    [TestCase("203.0.113.7", "203.0.113.7/32")]
    [TestCase("0.0.0.0/0", "0.0.0.0/0")]
    [TestCase("2001:db8::/32", "2001:db8::/32")]
    [TestCase("2001:DB8:0:0::/64", "2001:db8::/64")]
    [TestCase("::1", "::1/128")]
    public void TryParse_AcceptsNetworksAndHosts(string text, string expected)
    {
        Assert.That(Cidr.TryParse(text, out var cidr, out _), Is.True);
        Assert.That(cidr!.Value.ToString(), Is.EqualTo(expected));
    }

    [TestCase("", "IPv4 or IPv6 network")]
    [TestCase("10.0.0.5/24", "host bits set; did you mean 10.0.0.0/24?")]
    [TestCase("10.0.0.0/33", "prefix length outside 0..32")]
    [TestCase("2001:db8::/129", "prefix length outside 0..128")]
    [TestCase("10.0.0.0/-1", "prefix length")]
    [TestCase("10.0.0.0/ 8", "prefix length")]
    [TestCase("fe80::1%eth0/128", "not an IPv4 or IPv6")]
    [TestCase("example.com/24", "not an IPv4 or IPv6")]
    [TestCase("10.0.0.0/8/8", "prefix length")]
    public void TryParse_RejectsWithReason(string text, string reason)
    {
        Assert.That(Cidr.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(reason));
    }

    [TestCase("203.0.113.0/24", "203.0.113.255", true)]
    [TestCase("203.0.113.0/24", "203.0.114.0", false)]
    [TestCase("203.0.113.0/24", "::ffff:203.0.113.9", true)]
    [TestCase("2001:db8::/32", "2001:db8:ffff::1", true)]
    [TestCase("2001:db8::/32", "2001:db9::1", false)]
    [TestCase("2001:db8::/32", "203.0.113.1", false)]
    [TestCase("0.0.0.0/0", "198.51.100.1", true)]
    public void Contains_MatchesAddressesInsideTheNetworkOnly(string network, string address, bool expected)
    {
        Assert.That(Cidr.Parse(network).Contains(IPAddress.Parse(address)), Is.EqualTo(expected));
    }
}
