using System.Net;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Dns;

/// <summary>
/// RFC 3263 §4 as phones and proxies apply it when the transport is known: an IP address is used as is; a name
/// with a port is looked up by A/AAAA; a name without a port by SRV (_sip._udp, _sip._tcp, _sips._tcp) in
/// RFC 2782 order (priority, then weighted random), falling back to A/AAAA on the default port. Every target and
/// every address comes back, in order, so that a caller can fail over along the list (RFC 3263 §4.3).
/// </summary>
public sealed class SipServerLocator(IDnsResolver dns, Func<int, int>? random = null)
{
    /// <summary>
    /// Located addresses of one server that a call or a probe tries at most, in order: each silent UDP address costs
    /// timer B (32 s), so a name with a long record list cannot hold a call and its channel, or stretch a probe, for
    /// minutes before the next server.
    /// </summary>
    public const int MaxAddressesTried = 4;

    private readonly Func<int, int> _random = random ?? Random.Shared.Next;

    public Task<IReadOnlyList<SipEndpoint>> LocateAsync(string host, int? port, SipProtocol protocol, CancellationToken cancellationToken = default) =>
        LocateAsync(host, port, protocol, LocateOrder.Rfc3263, cancellationToken);

    public async Task<IReadOnlyList<SipEndpoint>> LocateAsync(string host, int? port, SipProtocol protocol, LocateOrder order,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var defaultPort = protocol == SipProtocol.Tls ? 5061 : 5060;
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address))
        {
            return [new SipEndpoint(protocol, new IPEndPoint(address, port ?? defaultPort))];
        }
        if (order == LocateOrder.AddressFirst)
        {
            return await AddressFirstAsync(host, port ?? defaultPort, protocol, cancellationToken);
        }
        if (port is { } explicitPort)
        {
            return Endpoints(await dns.AddressesAsync(host, cancellationToken), explicitPort, protocol);
        }
        var found = await ServiceAsync(Service(protocol) + host, protocol, cancellationToken);
        return found ?? Endpoints(await dns.AddressesAsync(host, cancellationToken), defaultPort, protocol);
    }

    /// <summary>
    /// The order of Polycom's "A record first" (and of several carriers' guides): the name's own addresses, then the
    /// SRV targets of the name for the transport, then those of _sip._udp. Lookups that fail are skipped as long as
    /// another one gives an address; duplicates keep their first place. Over TLS there is no _sip._udp step: RFC 3263
    /// §4.2 locates TLS by _sips._tcp only, and a UDP target's port does not speak TLS.
    /// </summary>
    private async Task<IReadOnlyList<SipEndpoint>> AddressFirstAsync(string host, int port, SipProtocol protocol, CancellationToken cancellationToken)
    {
        var result = new List<SipEndpoint>();
        DnsException? failure = null;
        try
        {
            result.AddRange(Endpoints(await dns.AddressesAsync(host, cancellationToken), port, protocol));
        }
        catch (DnsException error)
        {
            failure = error;
        }
        string[] services = protocol == SipProtocol.Tls ? [Service(protocol)] : [Service(protocol), "_sip._udp."];
        foreach (var service in services.Distinct())
        {
            try
            {
                result.AddRange(await ServiceAsync(service + host, protocol, cancellationToken) ?? []);
            }
            catch (DnsException error)
            {
                failure ??= error;
            }
        }
        return result.Count == 0 && failure is not null ? throw failure : [.. result.Distinct()];
    }

    private static string Service(SipProtocol protocol) => protocol switch
    {
        SipProtocol.Tcp => "_sip._tcp.",
        SipProtocol.Tls => "_sips._tcp.",
        _ => "_sip._udp.",
    };

    /// <returns>The targets' endpoints in RFC 2782 order, or null when the name has no SRV records.</returns>
    private async Task<List<SipEndpoint>?> ServiceAsync(string name, SipProtocol protocol, CancellationToken cancellationToken)
    {
        var records = await dns.SrvAsync(name, cancellationToken);
        if (records.Count == 0)
        {
            return null;
        }
        var result = new List<SipEndpoint>();
        DnsException? failure = null;
        foreach (var record in Order(records))
        {
            // RFC 2782: a target of "." means the service is decidedly not available at this domain.
            if (record.Target is "" or ".")
            {
                continue;
            }
            try
            {
                result.AddRange(Endpoints(await dns.AddressesAsync(record.Target, cancellationToken), record.Port, protocol));
            }
            catch (DnsException error)
            {
                // One target's name server failing leaves the other targets to fail over to.
                failure ??= error;
            }
        }
        return result.Count == 0 && failure is not null ? throw failure : result;
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
