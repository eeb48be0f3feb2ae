using Dialer.Peers.Model;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using Dialer.Sip.Transport.Tls;

namespace Dialer.Edge.Calls;

/// <summary>
/// Where a trunk server's requests go: its outbound proxy when set, else the server itself; IP literals directly,
/// names by the server's DNS order. Every located address comes back, in order, for the call to fail over along.
/// </summary>
public sealed partial class TrunkResolver(IDnsResolver dns, TlsClientPolicies? tlsPeers = null)
{
    private readonly SipServerLocator _locator = new(dns);

    /// <returns>The addresses to try, in order; empty when the name cannot be located (no records, or no answer).</returns>
    public async Task<IReadOnlyList<SipEndpoint>> ResolveAsync(TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var protocol = ProtocolOf(server);
        var (host, port) = server.NextHop();
        var order = server.DnsOrder == DnsOrder.AFirst ? LocateOrder.AddressFirst : LocateOrder.Rfc3263;
        try
        {
            return await _locator.LocateAsync(host, port, protocol, order);
        }
        catch (DnsException)
        {
            return [];
        }
    }
}
