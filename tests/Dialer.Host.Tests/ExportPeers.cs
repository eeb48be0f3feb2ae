using Dialer.Peers.Model;
using Dialer.Peers.Security;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Dialer.Testing;

namespace Dialer.Host.Tests;

/// <summary>
/// The fixed peers the export golden files are made from: every case the exports treat apart (inactive peers and
/// servers, IPv6, TLS, SRV, outbound proxy, weights to share, a /0 ACL, a trunk without dialPrefix, quoting).
/// </summary>
public static class ExportPeers
{
    public static async Task LoadAsync(TestDatabase db, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(db);
        var repository = new PeerRepository(db.Database, new SecretProtector(key));
        var defaults = new PeerDefaults("dialer");
        foreach (var phone in Phones())
        {
            await repository.CreatePhoneAsync(PeerValidator.Phone(phone, null, null, defaults), "test");
        }
        foreach (var trunk in Trunks())
        {
            await repository.CreateTrunkAsync(PeerValidator.Trunk(trunk, null), "test");
        }
    }

    private static PhoneInput[] Phones() =>
    [
        // Created out of order: the export sorts them (shorter extensions first).
        new() { Extension = "10010", DisplayName = "Supervisor; night", Password = "golden-supervisor-10010", Codecs = ["opus", "PCMA"], MaxContacts = 3 },
        new() { Extension = "1001", DisplayName = "Agent One", Password = "golden-agent-1001", Codecs = ["PCMU", "PCMA", "telephone-event"], MaxContacts = 2 },
        new() { Extension = "1002", DisplayName = "Agent \"Two\"", Password = "golden-agent-1002", AuthUsername = "agent2", Realm = "calls.example", Codecs = ["G722", "PCMU"], MaxContacts = 1 },
        new() { Extension = "2001", DisplayName = "Left", Password = "golden-agent-2001", Active = false },
    ];

    private static TrunkInput[] Trunks() =>
    [
        new()
        {
            Name = "beta", ChannelCap = 5, CpsCap = 0, Codecs = ["G729", "opus", "PCMU"], Acl = ["0.0.0.0/0"],
            Servers = [new TrunkServerInput { Host = "198.51.100.7", Port = 5080, Transport = "tcp", Priority = 0, Weight = 0 }],
        },
        new()
        {
            Name = "alpha", ChannelCap = 30, CpsCap = 10, Codecs = ["PCMU", "PCMA"], DialPrefix = "9",
            Acl = ["203.0.113.0/24", "2001:db8:10::/48", "192.0.2.99"],
            Servers =
            [
                new TrunkServerInput { Host = "192.0.2.10", Port = 5060, Transport = "udp", Priority = 1, Weight = 10 },
                new TrunkServerInput { Host = "192.0.2.11", Port = 5060, Transport = "udp", Priority = 1, Weight = 5 },
                new TrunkServerInput { Host = "192.0.2.12", Port = 5060, Transport = "udp", Priority = 1, Weight = 5, Active = false },
                new TrunkServerInput { Host = "2001:db8::10", Port = 5061, Transport = "tls", Scheme = "sips", Priority = 2, Weight = 1 },
                new TrunkServerInput { Host = "sip.alpha.example", Transport = "tcp", OutboundProxy = "proxy.alpha.example:5070", Priority = 7 },
            ],
        },
        new()
        {
            Name = "gamma", ChannelCap = 10, Codecs = ["PCMA"], DialPrefix = "77", Acl = ["198.18.0.0/15"], Active = false,
            Servers = [new TrunkServerInput { Host = "198.18.0.1", Port = 5060 }],
        },
    ];
}
