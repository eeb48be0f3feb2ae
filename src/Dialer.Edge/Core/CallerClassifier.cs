using System.Net;
using Dialer.Edge.Location;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Core;

/// <summary>Who sent an initial request, by its source address.</summary>
public enum Caller
{
    /// <summary>A dialer process, trusted by Edge:DialerAcl: may use X-Dialer-* and any trunk.</summary>
    Dialer,
    /// <summary>A carrier, by a trunk's ACL: may only reach extensions.</summary>
    Carrier,
    /// <summary>An address some phone registered from: must pass digest, then its outboundTrunks decide.</summary>
    Phone,
    /// <summary>Another node of the cluster, from its listen address: hands over calls to the phones whose flows this node holds.</summary>
    Node,
    /// <summary>None of these: a stranger, answered once, statelessly.</summary>
    Stranger,
}

/// <summary>
/// Other cluster nodes by their listen addresses, dialers by Edge:DialerAcl, carriers by a trunk's ACL, phones when a
/// live binding came from that address.
/// </summary>
public sealed class CallerClassifier(EdgeSettings settings, PeerSnapshotSource peers, LocationService location, ClusterRoutes? cluster = null)
{
    public Caller Classify(SipEndpoint source)
    {
        if (cluster?.Names(source.Address) == true)
        {
            return Caller.Node;
        }
        var address = Normal(source.Address.Address);
        if (IsDialer(address))
        {
            return Caller.Dialer;
        }
        if (peers.Current.TrunkForSource(address) is not null)
        {
            return Caller.Carrier;
        }
        return location.HasSource(address) ? Caller.Phone : Caller.Stranger;
    }

    /// <summary>Dialers, carriers and the cluster's nodes: sources the operator configured, which flood limits never block.</summary>
    public bool IsConfigured(IPAddress address)
    {
        address = Normal(address);
        return IsDialer(address) || peers.Current.TrunkForSource(address) is not null || cluster?.IsNodeHost(address) == true;
    }

    private bool IsDialer(IPAddress address)
    {
        foreach (var cidr in settings.DialerAcl)
        {
            if (cidr.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
