using System.Collections.Frozen;
using System.Net;

namespace Dialer.Edge.Core;

/// <summary>
/// The listen addresses of the other nodes of a cluster (Dialer:Cluster), as they wrote them in edge_nodes: a Route
/// naming one of them is a Route through the cluster, so its dialog token is checked here too (a phone whose node died,
/// or whose requests a load balancer moved, reaches its dialog through any node), and a request from one of them is
/// another node handing over a call. Replaced whole by <see cref="Dialogs.ClusterDialogs"/> when the nodes change;
/// read on every in-dialog request and every new INVITE, without allocating.
/// </summary>
public sealed class ClusterRoutes
{
    private volatile FrozenSet<IPEndPoint> _peers = FrozenSet<IPEndPoint>.Empty;
    private volatile FrozenDictionary<string, IPEndPoint[]> _alive = FrozenDictionary<string, IPEndPoint[]>.Empty;
    private volatile FrozenSet<IPAddress> _hosts = FrozenSet<IPAddress>.Empty;
    private string _written = "";

    /// <summary>Whether <paramref name="address"/> is a host of another node (flood limits never block the cluster's own traffic).</summary>
    public bool IsNodeHost(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _hosts.Contains(Normal(address));
    }

    /// <summary>Whether host:port (5060 when omitted) is a listen address of another node.</summary>
    public bool Names(string host, int port) =>
        _peers.Count > 0 && IPAddress.TryParse(host, out var address) && _peers.Contains(new IPEndPoint(Normal(address), port == 0 ? 5060 : port));

    /// <summary>Whether <paramref name="source"/> is a listen address of another node (it sends from its listen sockets).</summary>
    public bool Names(IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var peers = _peers;
        return peers.Count > 0 && peers.Contains(source.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(source.Address.MapToIPv4(), source.Port) : source);
    }

    /// <summary>A listen address of <paramref name="node"/> in this address family (its first) while it is alive, or null.</summary>
    public IPEndPoint? Udp(string node, System.Net.Sockets.AddressFamily family) =>
        _alive.TryGetValue(node, out var addresses) ? addresses.FirstOrDefault(a => a.AddressFamily == family) ?? addresses.FirstOrDefault() : null;

    /// <summary>Every other node's "host:port host:port ..." as written in edge_nodes, and whether it is alive.</summary>
    public void Replace(IReadOnlyCollection<(string Node, string Addresses, bool Alive)> written)
    {
        ArgumentNullException.ThrowIfNull(written);
        var signature = string.Join('\n', written.Select(w => $"{w.Node} {w.Alive} {w.Addresses}"));
        if (signature == _written)
        {
            return; // polled twice a second; the nodes rarely change
        }
        var alive = new Dictionary<string, IPEndPoint[]>(StringComparer.Ordinal);
        var all = new List<IPEndPoint>();
        foreach (var (node, text, isAlive) in written)
        {
            var addresses = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(t => IPEndPoint.TryParse(t, out var endpoint) ? new IPEndPoint(Normal(endpoint.Address), endpoint.Port) : null)
                .OfType<IPEndPoint>().ToArray();
            all.AddRange(addresses);
            if (isAlive)
            {
                alive[node] = addresses;
            }
        }
        _peers = all.ToFrozenSet();
        _alive = alive.ToFrozenDictionary(StringComparer.Ordinal);
        _hosts = all.Select(a => a.Address).ToFrozenSet();
        _written = signature;
    }

    /// <summary>This node's listen addresses as the other nodes read them.</summary>
    public static string Text(IEnumerable<Dialer.Sip.Transport.SipListenAddress> bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        return string.Join(' ', bound.Select(b => b.Address.ToString()).Distinct(StringComparer.Ordinal));
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
