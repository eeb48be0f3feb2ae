using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Dialer.Sip.Dns;

/// <summary>
/// A small stub resolver over UDP (System.Net.Dns has no SRV): random query id and source port per query,
/// answers cached for their TTL (clamped to 1 s .. 1 h), "no such name" cached for a minute, name servers
/// tried in turn.
/// </summary>
public sealed class DnsClient(IReadOnlyList<IPEndPoint> servers, TimeProvider time, TimeSpan timeout, int attempts = 2) : IDnsResolver
{
    private static readonly TimeSpan s_negativeTtl = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string, DnsRecordType), (DateTimeOffset Expires, IReadOnlyList<DnsWire.Answer> Answers)> _cache = new();

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
        [.. (await QueryAsync(name, DnsRecordType.Srv, cancellationToken)).Select(a => a.Srv).OfType<SrvRecord>()];

    public async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default)
    {
        var v4 = QueryAsync(name, DnsRecordType.A, cancellationToken);
        var v6 = QueryAsync(name, DnsRecordType.Aaaa, cancellationToken);
        return [.. (await v4).Concat(await v6).Select(a => a.Address).OfType<IPAddress>()];
    }

    private async Task<IReadOnlyList<DnsWire.Answer>> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var key = (name.TrimEnd('.').ToLowerInvariant(), type);
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > time.GetUtcNow())
        {
            return cached.Answers;
        }
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            foreach (var server in servers)
            {
                var result = await AskAsync(server, key.Item1, type, cancellationToken);
                if (result is not { } answers)
                {
                    continue;
                }
                var matching = answers.Where(a => a.Type == type).ToList();
                var ttl = matching.Count == 0 ? s_negativeTtl : TimeSpan.FromSeconds(Math.Clamp(matching.Min(a => a.Ttl.TotalSeconds), 1, 3600));
                _cache[key] = (time.GetUtcNow() + ttl, matching);
                return matching;
            }
        }
        throw new DnsException($"no answer for {name} {type} from {string.Join(", ", servers)}");
    }

    /// <returns>The answers (empty for NXDOMAIN/NODATA), or null when this server did not answer usefully.</returns>
    private async Task<List<DnsWire.Answer>?> AskAsync(IPEndPoint server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var buffer = new byte[4096];
        try
        {
            await socket.SendToAsync(DnsWire.Query(id, name, type), SocketFlags.None, server, linked.Token);
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(server.Address, 0), linked.Token);
                // Only an answer from the server we asked, to our id, counts (RFC 5452 spoofing resistance).
                if (!((IPEndPoint)received.RemoteEndPoint).Equals(server)
                    || !DnsWire.TryParse(buffer.AsSpan(0, received.ReceivedBytes), id, out var code, out var answers))
                {
                    continue;
                }
                return code is 0 or 3 ? answers : null;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
