using System.Net;
using Dialer.Health;
using Dialer.Host.Configuration;
using Dialer.Sip.Transport;

namespace Dialer.Host.Hosting;

/// <summary>Turns Dialer:Health into the health jobs' settings; reports bad values by key.</summary>
public static class HealthSettingsFactory
{
    public static HealthSettings From(DialerOptions options, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failures);
        var health = options.Health;
        if (health.ReportIntervalSeconds is < 1 or > 86_400)
        {
            failures.Add("Dialer:Health:ReportIntervalSeconds must be between 1 and 86400");
        }
        if (health.RetentionHours is < 1 or > 87_600)
        {
            failures.Add("Dialer:Health:RetentionHours must be between 1 and 87600");
        }
        var from = new List<SipListenAddress>();
        for (var i = 0; i < health.ProbeFrom.Count; i++)
        {
            if (SipListenAddress.TryParse(health.ProbeFrom[i], out var address))
            {
                from.Add(address);
            }
            else
            {
                failures.Add($"Dialer:Health:ProbeFrom:{i} '{health.ProbeFrom[i]}' must be udp:IP:PORT or tcp:IP:PORT (port 0 for any)");
            }
        }
        if (health.ProbeFrom.Count == 0)
        {
            // Probe from the edge's own IPs (carriers authorize by IP), on free ports.
            var listen = options.Sip.Listen.Count == 0 ? [.. EdgeSettingsFactory.DefaultListen] : options.Sip.Listen;
            foreach (var text in listen)
            {
                // Every listen address (IPv4 and IPv6, each transport) once, so that each server is probed from an
                // address of its own family.
                if (SipListenAddress.TryParse(text, out var address))
                {
                    var ip = address.Address.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
                        : address.Address.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : address.Address.Address;
                    var probe = new SipListenAddress(address.Protocol, new IPEndPoint(ip, 0));
                    if (!from.Contains(probe))
                    {
                        from.Add(probe);
                    }
                }
            }
        }
        return new HealthSettings
        {
            Enabled = health.Enabled,
            Clustered = health.Clustered,
            ReportIntervalSeconds = health.ReportIntervalSeconds,
            RetentionHours = health.RetentionHours,
            ProbeFrom = from,
            // Reported once, by the options validator.
            Dns = DnsSettingsFactory.From(options, []),
        };
    }
}
