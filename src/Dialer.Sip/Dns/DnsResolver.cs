using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace Dialer.Sip.Dns;

/// <summary>
/// The stub resolver SIP location uses, over the DnsClient package: UDP with an EDNS payload size, the same query
/// again over TCP when the UDP answer is truncated, name servers tried in turn. Answers are cached here, on the
/// injected clock, for their TTL (clamped to 1 s .. 1 h); "no such name" and "no data" for a minute.
/// </summary>
public sealed class DnsResolver : IDnsResolver
{
    private static readonly TimeSpan s_negativeTtl = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string, QueryType), (DateTimeOffset Expires, IReadOnlyList<DnsResourceRecord> Records)> _cache = new();
    private readonly LookupClient _lookup;
    private readonly TimeProvider _time;
    private readonly string _servers;

    public DnsResolver(DnsSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _time = time;
        var servers = settings.Servers.Count > 0 ? settings.Servers : SystemServers();
        _servers = string.Join(", ", servers);
        _lookup = new LookupClient(new LookupClientOptions(servers.ToArray())
        {
            // Cached below on the TimeProvider, so TTLs follow the clock tests drive.
            UseCache = false,
            Timeout = settings.Timeout,
            Retries = Math.Max(0, settings.Attempts - 1),
            UseTcpFallback = true,
            ExtendedDnsBufferSize = settings.EdnsPayloadSize,
            ThrowDnsErrors = false,
            ContinueOnDnsError = true,
            // NODATA is an answer: the name exists without records of that type.
            ContinueOnEmptyResponse = false,
        });
    }

    /// <summary>The name servers of /etc/resolv.conf (or the given file); 127.0.0.1 when it lists none.</summary>
    public static IReadOnlyList<IPEndPoint> SystemServers(string path = "/etc/resolv.conf")
    {
        var servers = new List<IPEndPoint>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1], out var address))
                {
                    servers.Add(new IPEndPoint(address, 53));
                }
            }
        }
        return servers.Count > 0 ? servers : [new IPEndPoint(IPAddress.Loopback, 53)];
    }

    public async Task<IReadOnlyList<SrvRecord>> SrvAsync(string name, CancellationToken cancellationToken = default) =>
        [.. (await QueryAsync(name, QueryType.SRV, cancellationToken)).OfType<DnsClient.Protocol.SrvRecord>()
            .Select(r => new SrvRecord(r.Priority, r.Weight, r.Port, Target(r.Target.Value)))];

    public async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default)
    {
        var v4 = QueryAsync(name, QueryType.A, cancellationToken);
        var v6 = QueryAsync(name, QueryType.AAAA, cancellationToken);
        return [.. (await v4).Concat(await v6).OfType<AddressRecord>().Select(r => r.Address)];
    }

    /// <summary>"." stays the RFC 2782 "no service here" target; other names lose their root dot.</summary>
    private static string Target(string name) => name == "." ? name : name.TrimEnd('.');

    private async Task<IReadOnlyList<DnsResourceRecord>> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        var key = (name.TrimEnd('.').ToLowerInvariant(), type);
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > _time.GetUtcNow())
        {
            return cached.Records;
        }
        IDnsQueryResponse response;
        try
        {
            response = await _lookup.QueryAsync(key.Item1, type, QueryClass.IN, cancellationToken);
        }
        catch (Exception error) when (error is DnsResponseException or SocketException or TimeoutException)
        {
            throw new DnsException($"no answer for {name} {type} from {_servers}: {error.Message}", error);
        }
        // NXDOMAIN is a negative answer (RFC 2308), cached like NODATA; any other error code is no answer at all.
        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
        {
            throw new DnsException($"no answer for {name} {type} from {_servers}: {response.ErrorMessage}");
        }
        var matching = response.Answers.Where(r => r.RecordType == (ResourceRecordType)type).ToList();
        var ttl = matching.Count == 0 ? s_negativeTtl : TimeSpan.FromSeconds(Math.Clamp(matching.Min(r => r.InitialTimeToLive), 1, 3600));
        _cache[key] = (_time.GetUtcNow() + ttl, matching);
        return matching;
    }
}
