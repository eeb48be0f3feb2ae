using System.Net;
using Dialer.Sip.Transport;

namespace Dialer.Health;

/// <summary>The Dialer:Health settings (etc/dialer.json).</summary>
public sealed class HealthSettings
{
    /// <summary>Whether `dialer serve` runs the probe and report jobs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Seconds between labeled health reports; a server state change also writes one at once.</summary>
    public int ReportIntervalSeconds { get; init; } = 60;

    /// <summary>Hours that reports and state changes are kept before the report job prunes them.</summary>
    public int RetentionHours { get; init; } = 168;

    /// <summary>
    /// Whether several `dialer serve` processes share the probes: Quartz's job store in MariaDB, and observations
    /// shared through health_observations so every node routes on the same states.
    /// </summary>
    public bool Clustered { get; init; }

    /// <summary>How often a clustered node reads the other nodes' observations.</summary>
    public TimeSpan ShareInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the database circuit breaker stays open after an outage is detected.</summary>
    public TimeSpan DatabaseBreak { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How trunk servers' names are looked up (Dialer:Sip:Dns).</summary>
    public Dialer.Sip.Dns.DnsSettings Dns { get; init; } = new();

    /// <summary>
    /// Where probes are sent from: addresses of this host, port 0 for any free one. Several are allowed (IPv4 and IPv6,
    /// UDP and TCP); each probe goes from the first one of the server's transport and address family.
    /// </summary>
    public IReadOnlyList<SipListenAddress> ProbeFrom { get; init; } =
        [new(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)), new(SipProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, 0))];
}
