using Dialer.Peers.Model;

namespace Dialer.Host.Api;

/// <summary>
/// A trunk peer as the API shows it (docs/architecture.md, "Names on the wire"); the outbound password is write-only.
/// </summary>
public sealed record TrunkView(
    string Name, string Description, int ChannelCap, int CpsCap, IReadOnlyList<string> Codecs, string DialPrefix,
    IReadOnlyList<string> Acl, TrunkAuthView? Auth, string CallOriginHeader, RuriTransform RuriTransform,
    string FromUser, string FromDomain, ProbePolicy Probe, IReadOnlyList<TrunkServerView> Servers, bool Active, long Version)
{
    public static TrunkView Of(Trunk trunk)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        return new(trunk.Name, trunk.Description, trunk.ChannelCap, trunk.CpsCap, trunk.Codecs, trunk.DialPrefix,
            [.. trunk.Acl.Select(cidr => cidr.ToString())],
            trunk.Auth is null ? null : new TrunkAuthView(trunk.Auth.Username),
            WireNames.Of(trunk.CallOriginHeader), trunk.RuriTransform, trunk.FromUser, trunk.FromDomain, trunk.Probe,
            [.. trunk.Servers.Select(TrunkServerView.Of)], trunk.Active, trunk.Version)
        {
            Tls = trunk.Tls,
        };
    }

    /// <summary>Certificate checks of the TLS servers: caFile, skipVerify, serverName.</summary>
    public TrunkTls Tls { get; init; } = TrunkTls.Default;
}

public sealed record TrunkAuthView(string Username);

public sealed record TrunkServerView(
    string Host, int? Port, string Transport, string Scheme, string OutboundProxy, int Priority, int Weight, bool Active, string DnsOrder)
{
    public static TrunkServerView Of(TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new(server.Host, server.Port, WireNames.Of(server.Transport), WireNames.Of(server.Scheme), server.OutboundProxy,
            server.Priority, server.Weight, server.Active, WireNames.Of(server.DnsOrder));
    }
}
