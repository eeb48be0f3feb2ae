using System.Collections.Frozen;
using System.Globalization;
using System.Net;

namespace Dialer.Edge.Core;

/// <summary>
/// The listen addresses of the other nodes of a cluster (Dialer:Cluster), as they wrote them in edge_nodes: a Route
/// naming one of them is a Route through the cluster, so its dialog token is checked here too (a phone whose node died,
/// or whose requests a load balancer moved, reaches its dialog through any node). Replaced whole by
/// <see cref="Dialogs.ClusterDialogs"/>; read on every in-dialog request.
/// </summary>
public sealed class ClusterRoutes
{
    private volatile FrozenSet<string> _peers = FrozenSet<string>.Empty;

    /// <summary>Whether host:port (5060 when omitted) is a listen address of another node.</summary>
    public bool Names(string host, int port)
    {
        var peers = _peers;
        return peers.Count > 0 && IPAddress.TryParse(host, out var address) && peers.Contains(Key(address, port == 0 ? 5060 : port));
    }

    /// <summary>Every node's "host:port host:port ..." as written in edge_nodes.</summary>
    public void Replace(IEnumerable<string> written)
    {
        ArgumentNullException.ThrowIfNull(written);
        var peers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in written.SelectMany(w => w.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (IPEndPoint.TryParse(text, out var endpoint))
            {
                peers.Add(Key(endpoint.Address, endpoint.Port));
            }
        }
        _peers = peers.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>This node's listen addresses as the other nodes read them.</summary>
    public static string Text(IEnumerable<Dialer.Sip.Transport.SipListenAddress> bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        return string.Join(' ', bound.Select(b => b.Address.ToString()).Distinct(StringComparer.Ordinal));
    }

    private static string Key(IPAddress address, int port) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() + "|" + port.ToString(CultureInfo.InvariantCulture);
}
