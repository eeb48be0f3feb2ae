using System.Net;
using System.Net.Sockets;

namespace Dialer.Sip.Transport;

/// <summary>
/// The endpoints of recent datagram sources, one cache per receive thread (no lock): a dialer, a carrier or a busy phone
/// sends thousands of datagrams from one address, and each would otherwise be a new <see cref="IPEndPoint"/> and
/// <see cref="IPAddress"/>, kept as long as the transaction it started (32 s). Direct-mapped and fixed in size: a source
/// that is new (or collides) costs one endpoint as before, and a flood of random sources only overwrites slots.
/// Endpoints handed out are shared and never changed.
/// </summary>
internal sealed class SourceCache(AddressFamily family)
{
    private const int Slots = 256;
    private readonly SocketAddress?[] _addresses = new SocketAddress?[Slots];
    private readonly IPEndPoint?[] _endpoints = new IPEndPoint?[Slots];
    private readonly IPEndPoint _template = new(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);

    /// <summary>The endpoint of <paramref name="address"/> (which the caller reuses for the next datagram).</summary>
    public IPEndPoint Get(SocketAddress address)
    {
        var slot = (int)((uint)address.GetHashCode() % Slots);
        if (_addresses[slot] is { } known && known.Equals(address))
        {
            return _endpoints[slot]!;
        }
        var endpoint = (IPEndPoint)_template.Create(address);
        _addresses[slot] = endpoint.Serialize();
        _endpoints[slot] = endpoint;
        return endpoint;
    }
}
