using Dialer.Peers.Model;

namespace Dialer.Peers.Storage;

/// <summary>What the audit log keeps of a peer: everything an admin set, with digests and secrets masked.</summary>
internal static class AuditViews
{
    private const string Masked = "***";

    public static object Of(Phone phone) => new
    {
        phone.Extension,
        phone.DisplayName,
        phone.AuthUsername,
        phone.Realm,
        Credentials = Masked,
        phone.Codecs,
        phone.MaxContacts,
        phone.OutboundTrunks,
        phone.CallerId,
        phone.DigestAlgorithms,
        phone.Active,
    };

    public static object Of(Trunk trunk) => new
    {
        trunk.Name,
        trunk.Description,
        trunk.ChannelCap,
        trunk.CpsCap,
        trunk.Codecs,
        trunk.DialPrefix,
        Acl = trunk.Acl.Select(cidr => cidr.ToString()),
        Auth = trunk.Auth is null ? null : new { trunk.Auth.Username, Password = Masked },
        CallOriginHeader = WireNames.Of(trunk.CallOriginHeader),
        trunk.RuriTransform,
        trunk.FromUser,
        trunk.FromDomain,
        trunk.Probe,
        trunk.Tls,
        Servers = trunk.Servers.Select(s => new
        {
            s.Host,
            s.Port,
            Transport = WireNames.Of(s.Transport),
            Scheme = WireNames.Of(s.Scheme),
            s.OutboundProxy,
            DnsOrder = WireNames.Of(s.DnsOrder),
            s.Priority,
            s.Weight,
            s.Active,
        }),
        trunk.Active,
    };

    public static object Of(Campaign campaign) => new
    {
        campaign.Name,
        campaign.Description,
        campaign.Active,
        campaign.Recycling.Retries,
        RetryDelaySeconds = campaign.Recycling.DelaySeconds,
        Allocations = campaign.Allocations.Select(a => new { a.Trunk, a.Reserved, Restriction = WireNames.Of(a.Restriction) }),
    };
}
