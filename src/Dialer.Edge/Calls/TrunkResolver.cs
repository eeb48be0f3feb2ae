using System.Net;
using Dialer.Peers.Model;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using Dialer.Sip.Transport.Tls;

namespace Dialer.Edge.Calls;

/// <summary>A trunk server's address: the outbound proxy when set; IP literals directly; names by RFC 3263.</summary>
public sealed partial class TrunkResolver(TimeProvider time, TlsClientPolicies? tlsPeers = null)
{
    private SipServerLocator? _locator;

    public async Task<SipEndpoint?> ResolveAsync(TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var protocol = ProtocolOf(server);
        var (host, port) = server.NextHop();
        if (IPAddress.TryParse(host, out var address))
        {
            return new SipEndpoint(protocol, new IPEndPoint(address, port ?? 5060));
        }
        try
        {
            _locator ??= new SipServerLocator(new DnsClient(DnsClient.SystemServers(), time, TimeSpan.FromSeconds(2)));
            var found = await _locator.LocateAsync(host, port, protocol);
            return found.Count > 0 ? found[0] : null;
        }
        catch (DnsException)
        {
            return null;
        }
    }
}
