using Dialer.Peers.Model;

namespace Dialer.Host.Cli;

/// <summary>The demo peers: agents 1001-1003 (may call out through every trunk), carrier-a (two servers) and carrier-b on loopback, campaign demo.</summary>
public static class DemoPeers
{
    public static IEnumerable<PhoneInput> Phones() =>
        Enumerable.Range(1, 3).Select(i => new PhoneInput
        {
            Extension = $"100{i}",
            DisplayName = $"Agent {i}",
            Password = $"demo-agent-100{i}",
            Codecs = ["PCMU", "PCMA", "telephone-event"],
            MaxContacts = 2,
            // The demo agents may call out through both demo carriers, which see a number of the demo's own range.
            OutboundTrunks = [OutboundTrunkList.All],
            CallerId = $"+1555010100{i}",
        });

    public static IEnumerable<TrunkInput> Trunks() =>
    [
        new TrunkInput
        {
            Name = "carrier-a",
            Description = "demo carrier with a primary and a backup server",
            ChannelCap = 30,
            CpsCap = 10,
            Codecs = ["PCMU", "PCMA"],
            DialPrefix = "9",
            Acl = ["127.0.0.0/8", "::1/128"],
            CallOriginHeader = "pai",
            // Probed every 5 s, so stopping a demo carrier shows as down within 3 x 5 s + 2 s.
            Probe = new ProbePolicyInput { IntervalSeconds = 5 },
            Servers =
            [
                new TrunkServerInput { Host = "127.0.0.1", Port = 5081, Transport = "udp", Priority = 1, Weight = 1 },
                new TrunkServerInput { Host = "127.0.0.1", Port = 5082, Transport = "udp", Priority = 2, Weight = 1 },
            ],
        },
        new TrunkInput
        {
            Name = "carrier-b",
            Description = "demo carrier that wants digest credentials and a tech prefix",
            ChannelCap = 10,
            Codecs = ["PCMA"],
            DialPrefix = "8",
            Acl = ["127.0.0.0/8"],
            Auth = new TrunkAuthInput { Username = "dialer", Password = "demo-carrier-secret" },
            CallOriginHeader = "rpid",
            RuriTransform = new RuriTransformInput { Strip = 0, Prefix = "1010", Params = "user=phone" },
            Probe = new ProbePolicyInput { IntervalSeconds = 5 },
            Servers = [new TrunkServerInput { Host = "127.0.0.1", Port = 5083, Transport = "udp" }],
        },
    ];

    public static CampaignInput Campaign() => new()
    {
        Name = "demo",
        Description = "demo outbound campaign",
        Retries = 1,
        RetryDelaySeconds = 60,
        Allocations =
        [
            new AllocationInput { Trunk = "carrier-a", Reserved = 10, Restriction = "OVERFLOW_ALLOWED" },
            new AllocationInput { Trunk = "carrier-b", Reserved = 5, Restriction = "MAXIMUM_LIMIT" },
        ],
    };
}
