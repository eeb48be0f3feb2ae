using System.Globalization;
using System.Net;
using Dialer.Host.Configuration;
using Dialer.Sip.Dns;

namespace Dialer.Host.Hosting;

/// <summary>Turns Dialer:Sip:Dns into the resolver's settings; reports bad values by key.</summary>
public static class DnsSettingsFactory
{
    public static DnsSettings From(DialerOptions options, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failures);
        var dns = options.Sip.Dns;
        var servers = new List<IPEndPoint>();
        for (var i = 0; i < dns.Servers.Count; i++)
        {
            var text = dns.Servers[i].Trim();
            if (IPAddress.TryParse(text.Trim('[', ']'), out var address))
            {
                servers.Add(new IPEndPoint(address, 53));
            }
            else if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0)
            {
                servers.Add(endpoint);
            }
            else
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"Dialer:Sip:Dns:Servers:{i} '{dns.Servers[i]}' must be IP or IP:PORT ([IPv6]:PORT)"));
            }
        }
        if (dns.TimeoutMs is < 100 or > 60_000)
        {
            failures.Add("Dialer:Sip:Dns:TimeoutMs must be between 100 and 60000");
        }
        if (dns.Attempts is < 1 or > 10)
        {
            failures.Add("Dialer:Sip:Dns:Attempts must be between 1 and 10");
        }
        if (dns.EdnsPayloadSize is < 512 or > 65_535)
        {
            failures.Add("Dialer:Sip:Dns:EdnsPayloadSize must be between 512 (no EDNS) and 65535");
        }
        return new DnsSettings
        {
            Servers = servers,
            Timeout = TimeSpan.FromMilliseconds(Math.Clamp(dns.TimeoutMs, 100, 60_000)),
            Attempts = Math.Clamp(dns.Attempts, 1, 10),
            EdnsPayloadSize = Math.Clamp(dns.EdnsPayloadSize, 512, 65_535),
        };
    }
}
