using System.Net;
using Dialer.Peers.Model;
using Dialer.Sip.Transport;
using Dialer.Sip.Transport.Tls;

namespace Dialer.Health;

/// <summary>
/// What probing a TLS trunk server takes (issue 14: such probes used to fail at once with "no tls transport"): no TLS
/// listener (a probe only connects out, so it needs no certificate), a Via naming a local address of the same family,
/// the trunk's certificate checks, and the Request-URI the edge's calls use (sips:, or sip: with transport=tls).
/// </summary>
internal static class ProbeTls
{
    /// <summary>The probe's listeners: the configured ones minus tls: (a TCP one on the same IP instead, if none is left).</summary>
    public static IEnumerable<SipListenAddress> Listeners(IEnumerable<SipListenAddress> from)
    {
        var all = from.ToList();
        var plain = all.Where(a => a.Protocol != SipProtocol.Tls).ToList();
        foreach (var tls in all.Where(a => a.Protocol == SipProtocol.Tls))
        {
            if (!plain.Any(p => p.Address.AddressFamily == tls.Address.AddressFamily))
            {
                plain.Add(new SipListenAddress(SipProtocol.Tcp, new IPEndPoint(tls.Address.Address, 0)));
            }
        }
        return plain;
    }

    public static SipProtocol ProtocolOf(TrunkServer server) => server.Transport switch
    {
        SipTransport.Tcp => SipProtocol.Tcp,
        SipTransport.Tls => SipProtocol.Tls,
        _ => SipProtocol.Udp,
    };

    /// <summary>The address our Via names: a listener of the protocol; for TLS a TCP one, else any.</summary>
    public static SipListenAddress? Local(IReadOnlyList<SipListenAddress> bound, SipProtocol protocol) =>
        bound.FirstOrDefault(b => b.Protocol == protocol)
        ?? (protocol == SipProtocol.Tls ? bound.FirstOrDefault(b => b.Protocol == SipProtocol.Tcp) ?? (bound.Count > 0 ? bound[0] : null) : null);

    public static TlsClientPolicy PolicyFor(Trunk trunk, TrunkServer server) =>
        new(trunk.Tls.NameFor(server), trunk.Tls.CaFile, trunk.Tls.SkipVerify);

}
