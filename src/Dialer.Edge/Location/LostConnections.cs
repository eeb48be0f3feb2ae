using System.Net;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Location;

/// <summary>
/// Bindings die with the TCP or TLS connection they were registered over (Kamailio usrloc's handle_lost_tcp): requests
/// to such a phone go back over that connection (RFC 5626 §5.3), and once it is closed a fresh connect to the phone's
/// ephemeral port cannot work behind NAT, so the binding is removed at once instead of at its expiry, and logged. The
/// phone registers again over a new connection. Switched by <c>Edge:DropBindingsOnLostConnection</c>.
/// </summary>
public sealed partial class LostConnections(LocationService location, ILogger<LostConnections> logger)
{
    /// <summary>A connection closed (<see cref="SipTransportHost.ConnectionClosed"/>): its bindings go.</summary>
    public void Closed(SipEndpoint connection)
    {
        // Most closed connections are not phones' (probes, carriers, strangers opening and closing sockets): one set
        // lookup sends them away before anything walks the bindings.
        if (!connection.IsReliable || !location.HasSource(connection.Address.Address))
        {
            return;
        }
        foreach (var binding in location.RemoveFlow(connection.ProtocolName.ToLowerInvariant(), connection.Address))
        {
            LogRemoved(logger, binding.Extension, binding.Contact, connection.ProtocolName, binding.Source);
        }
    }

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information,
        Message = "Binding {Contact} of phone {Extension} removed: the {Protocol} connection from {Source} it registered over closed")]
    private static partial void LogRemoved(ILogger logger, string extension, string contact, string protocol, IPEndPoint source);
}
