using System.Net;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Dns;

/// <summary>
/// RFC 3263 §4 as phones and proxies apply it when the transport is known: an IP address is used as is; a name
/// with a port is looked up by A/AAAA; a name without a port by SRV (_sip._udp, _sip._tcp, _sips._tcp) in
/// RFC 2782 order (priority, then weighted random), falling back to A/AAAA on the default port.
/// </summary>
public sealed class SipServerLocator(IDnsResolver dns, Func<int, int>? random = null)
{
    private readonly Func<int, int> _random = random ?? Random.Shared.Next;

    public async Task<IReadOnlyList<SipEndpoint>> LocateAsync(string host, int? port, SipProtocol protocol, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var defaultPort = protocol == SipProtocol.Tls ? 5061 : 5060;
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address))
        {
            return [new SipEndpoint(protocol, new IPEndPoint(address, port ?? defaultPort))];
        }
        if (port is { } explicitPort)
        {
            return Endpoints(await dns.AddressesAsync(host, cancellationToken), explicitPort, protocol);
        }
        var service = protocol switch
        {
            SipProtocol.Tcp => "_sip._tcp.",
            SipProtocol.Tls => "_sips._tcp.",
            _ => "_sip._udp.",
        };
        var records = await dns.SrvAsync(service + host, cancellationToken);
        if (records.Count == 0)
        {
            return Endpoints(await dns.AddressesAsync(host, cancellationToken), defaultPort, protocol);
        }
        var result = new List<SipEndpoint>();
        foreach (var record in Order(records))
        {
            // RFC 2782: a target of "." means the service is decidedly not available at this domain.
            if (record.Target is "" or ".")
            {
                continue;
            }
            result.AddRange(Endpoints(await dns.AddressesAsync(record.Target, cancellationToken), record.Port, protocol));
        }
        return result;
    }

    /// <summary>RFC 2782 ordering: ascending priority; within one, pick by weight (weight 0 rarely) without replacement.</summary>
    public IEnumerable<SrvRecord> Order(IEnumerable<SrvRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var group in records.GroupBy(r => r.Priority).OrderBy(g => g.Key))
        {
            var pool = group.OrderBy(r => r.Weight).ToList();
            while (pool.Count > 0)
            {
                var total = pool.Sum(r => r.Weight);
                var pick = total == 0 ? 0 : _random(total + 1);
                var running = 0;
                var chosen = pool[^1];
                foreach (var record in pool)
                {
                    running += record.Weight;
                    if (running >= pick)
                    {
                        chosen = record;
                        break;
                    }
                }
                pool.Remove(chosen);
                yield return chosen;
            }
        }
    }

    private static List<SipEndpoint> Endpoints(IReadOnlyList<IPAddress> addresses, int port, SipProtocol protocol) =>
        [.. addresses.Select(a => new SipEndpoint(protocol, new IPEndPoint(a, port)))];
}
