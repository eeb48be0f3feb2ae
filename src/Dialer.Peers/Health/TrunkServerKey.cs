using Dialer.Peers.Model;

namespace Dialer.Peers.Health;

/// <summary>Names one server of one trunk on the status board: the trunk, and the server's address as configured.</summary>
public readonly record struct TrunkServerKey(string Trunk, string Host, int? Port, SipTransport Transport)
{
    public static TrunkServerKey For(Trunk trunk, TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(server);
        return new TrunkServerKey(trunk.Name.ToLowerInvariant(), server.Host, server.Port, server.Transport);
    }

    /// <summary>The server as people write it: host:port, with the transport when it is not UDP.</summary>
    public string Server => (Port is { } port ? $"{Host}:{port}" : Host) + (Transport == SipTransport.Udp ? "" : ";transport=" + WireNames.Of(Transport));

    public override string ToString() => $"{Trunk}/{Server}";
}
