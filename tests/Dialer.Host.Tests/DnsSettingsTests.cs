using System.Net;
using Dialer.Host.Configuration;
using Dialer.Host.Hosting;
using Dialer.Sip.Transport;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Dialer:Sip:Dns and Dialer:Health:ProbeFrom as configured: parsed values, and bad ones named by key.</summary>
public sealed class DnsSettingsTests
{
    [Test]
    public void NameServers_TakeAddressesWithOrWithoutPort_Ipv6InBrackets()
    {
        var options = new DialerOptions();
        options.Sip.Dns.Servers.AddRange(["192.0.2.53", "127.0.0.1:5353", "[::1]:5300", "2001:db8::53"]);
        options.Sip.Dns.EdnsPayloadSize = 4096;
        var failures = new List<string>();
        var dns = DnsSettingsFactory.From(options, failures);
        Assert.That(failures, Is.Empty);
        Assert.That(dns.Servers.Select(s => s.ToString()), Is.EqualTo(new[] { "192.0.2.53:53", "127.0.0.1:5353", "[::1]:5300", "[2001:db8::53]:53" }));
        Assert.That((dns.Timeout, dns.Attempts, dns.EdnsPayloadSize), Is.EqualTo((TimeSpan.FromSeconds(2), 2, 4096)));
    }

    [Test]
    public void BadValues_AreEachNamedByTheirKey()
    {
        var options = new DialerOptions();
        options.Sip.Dns.Servers.AddRange(["127.0.0.1", "ns.example:53"]);
        options.Sip.Dns.TimeoutMs = 0;
        options.Sip.Dns.Attempts = 0;
        options.Sip.Dns.EdnsPayloadSize = 100;
        var failures = new List<string>();
        DnsSettingsFactory.From(options, failures);
        Assert.That(failures.Select(f => f.Split(' ')[0]), Is.EqualTo(new[]
        {
            "Dialer:Sip:Dns:Servers:1", "Dialer:Sip:Dns:TimeoutMs", "Dialer:Sip:Dns:Attempts", "Dialer:Sip:Dns:EdnsPayloadSize",
        }));
    }

    [Test]
    public void ProbeFrom_DefaultsToEveryListenAddress_OfEachFamilyAndTransport()
    {
        var options = new DialerOptions();
        options.Sip.Listen.AddRange(["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060", "udp:[::1]:5060", "udp:127.0.0.2:5060"]);
        var health = HealthSettingsFactory.From(options, []);
        Assert.That(health.ProbeFrom, Is.EqualTo(new[]
        {
            new SipListenAddress(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)),
            new SipListenAddress(SipProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, 0)),
            new SipListenAddress(SipProtocol.Udp, new IPEndPoint(IPAddress.IPv6Loopback, 0)),
            new SipListenAddress(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)),
        }), "not only the first address of each transport");
    }
}
