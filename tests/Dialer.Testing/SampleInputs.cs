using Dialer.Peers.Model;

namespace Dialer.Testing;

/// <summary>Valid inputs that tests vary one field at a time.</summary>
public static class SampleInputs
{
    public static PhoneInput Phone(string extension = "1001") => new()
    {
        Extension = extension,
        DisplayName = "Agent",
        Password = "correct horse battery",
        Codecs = ["PCMU", "PCMA"],
        MaxContacts = 2,
    };

    public static TrunkInput Trunk(string name = "carrier-a", int channelCap = 30) => new()
    {
        Name = name,
        Description = "test carrier",
        ChannelCap = channelCap,
        CpsCap = 10,
        Codecs = ["PCMU", "PCMA"],
        Acl = ["203.0.113.0/24", "2001:db8:10::/48"],
        Auth = new TrunkAuthInput { Username = "dialer", Password = "s3cret!" },
        CallOriginHeader = "rpid",
        RuriTransform = new RuriTransformInput { Strip = 1, Prefix = "0044", Params = "user=phone" },
        FromUser = "caller",
        FromDomain = "calls.example.com",
        Probe = new ProbePolicyInput { IntervalSeconds = 15, TimeoutMs = 1000, FailThreshold = 2, RecoverThreshold = 3, LagMs = 300, AliveCodes = "200-299,403" },
        Servers =
        [
            new TrunkServerInput { Host = "192.0.2.10", Port = 5060, Transport = "udp", Priority = 1, Weight = 10 },
            new TrunkServerInput { Host = "2001:db8::10", Port = 5061, Transport = "tls", Scheme = "sips", Priority = 2, Weight = 5 },
            new TrunkServerInput { Host = "sip.carrier.example", Transport = "tcp", OutboundProxy = "sip:proxy.example:5070", DnsOrder = "a-first", Priority = 3 },
        ],
    };
}
