using System.Net;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Core;

/// <summary>
/// What counts as "us": the configured domains, the realm and every bound listen address; for Routes also the other
/// nodes of a cluster (<paramref name="cluster"/>), whose dialog tokens verify here.
/// </summary>
public sealed class EdgeAddresses(EdgeSettings settings, IReadOnlyList<SipListenAddress> bound, ClusterRoutes? cluster = null)
{
    public IReadOnlyList<SipListenAddress> Bound { get; } = bound;

    public bool IsOurDomain(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (settings.Domains.Any(d => string.Equals(d, bare, StringComparison.OrdinalIgnoreCase))
            || string.Equals(settings.Realm, bare, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(bare, out var address) && Bound.Any(b => IsSameHost(b.Address.Address, address));
    }

    /// <summary>A Via sent-by or Route URI naming this edge (host and port, 5060 when omitted).</summary>
    public bool IsUs(string host, int port)
    {
        var effective = port == 0 ? 5060 : port;
        return Bound.Any(b => b.Address.Port == effective) && IsOurDomain(host);
    }

    /// <summary>The top Route of <paramref name="request"/> names this edge or another node of its cluster (loose routing, RFC 3261 §16.4).</summary>
    public bool RoutesThroughUs(Dialer.Sip.Message.SipMessage request) => TopRoute(request) is not null;

    /// <summary>The top Route's URI when it names this edge or another node of its cluster, else null.</summary>
    public Dialer.Sip.Uris.SipUri? TopRoute(Dialer.Sip.Message.SipMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The screen, the dialog guard and the forwarder each ask about the same request on the same thread, one after
        // the other: the URI is parsed once (messages are never reused, so the reference identifies the request).
        if (ReferenceEquals(t_request, request) && ReferenceEquals(t_owner, this))
        {
            return t_route;
        }
        Dialer.Sip.Uris.SipUri? found = null;
        foreach (var element in request.Elements(Dialer.Sip.Message.HeaderKind.Route))
        {
            found = Dialer.Sip.Headers.NameAddress.TryParse(request.Span, element, out var route)
                && Dialer.Sip.Uris.SipUri.TryParse(route.Uri.Of(request.Span), out var uri)
                && (IsUs(uri.HostWithoutBrackets, uri.Port ?? 5060) || cluster?.Names(uri.HostWithoutBrackets, uri.Port ?? 5060) == true) ? uri : null;
            break;
        }
        (t_request, t_owner, t_route) = (request, this, found);
        return found;
    }

    [ThreadStatic] private static Dialer.Sip.Message.SipMessage? t_request;
    [ThreadStatic] private static EdgeAddresses? t_owner;
    [ThreadStatic] private static Dialer.Sip.Uris.SipUri? t_route;

    /// <summary>The listen address to put in our Via and Record-Route for a given outgoing protocol and family.</summary>
    public SipListenAddress For(SipProtocol protocol, System.Net.Sockets.AddressFamily family) =>
        Bound.FirstOrDefault(b => b.Protocol == protocol && b.Address.AddressFamily == family)
        ?? Bound.FirstOrDefault(b => b.Protocol == protocol)
        ?? Bound[0];

    private static bool IsSameHost(IPAddress listen, IPAddress candidate) =>
        listen.Equals(candidate) || (listen.Equals(IPAddress.Any) && candidate.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        || (listen.Equals(IPAddress.IPv6Any) && candidate.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
}
