using Dialer.Peers.Model;
using Dialer.Sip.Transport;
using Dialer.Sip.Transport.Tls;

namespace Dialer.Edge.Calls;

/// <summary>
/// TLS trunk servers: the transport a server's transport field means (tls was read as udp before issue 14, so a
/// TLS-only trunk was never routed), and the certificate checks of the trunk registered for the resolved address
/// before the first send, so the connection the transport opens verifies what the trunk says.
/// </summary>
public sealed partial class TrunkResolver
{
    public static SipProtocol ProtocolOf(TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Transport switch
        {
            SipTransport.Tcp => SipProtocol.Tcp,
            SipTransport.Tls => SipProtocol.Tls,
            _ => SipProtocol.Udp,
        };
    }

    /// <summary>Resolves <paramref name="server"/> and, for TLS, records how its certificate is checked.</summary>
    public async Task<IReadOnlyList<SipEndpoint>> ResolveAsync(Trunk trunk, TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        var found = await ResolveAsync(server);
        if (tlsPeers is not null)
        {
            foreach (var destination in found)
            {
                if (destination.Protocol == SipProtocol.Tls)
                {
                    tlsPeers.Set(destination.Address, PolicyFor(trunk, server));
                }
            }
        }
        return found;
    }

    /// <summary>The trunk's checks for one of its servers (<see cref="TrunkTls.NameFor"/>).</summary>
    public static TlsClientPolicy PolicyFor(Trunk trunk, TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        return new TlsClientPolicy(trunk.Tls.NameFor(server), trunk.Tls.CaFile, trunk.Tls.SkipVerify);
    }
}
