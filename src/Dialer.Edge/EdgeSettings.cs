using Dialer.Peers.Model;
using Dialer.Sip.Transport;

namespace Dialer.Edge;

/// <summary>What the edge needs to know about itself; built by the host from Dialer:Sip and Dialer:Edge.</summary>
public sealed record EdgeSettings
{
    /// <summary>Addresses to listen on (Dialer:Sip:Listen; docs/operations.md, "Configuration").</summary>
    public IReadOnlyList<SipListenAddress> Listen { get; init; } = [];

    /// <summary>Certificates of tls: listen addresses (Dialer:Sip:Tls).</summary>
    public EdgeTlsSettings Tls { get; init; } = new();

    /// <summary>SIP domains served besides the listen addresses (Dialer:Sip:Domains).</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>Digest realm of the registrar (Dialer:Sip:Realm).</summary>
    public string Realm { get; init; } = "dialer";

    /// <summary>Sources trusted as dialers (Dialer:Edge:DialerAcl).</summary>
    public IReadOnlyList<Cidr> DialerAcl { get; init; } = [];

    public RegistrarSettings Registrar { get; init; } = new();

    public LockoutSettings Lockout { get; init; } = new();

    /// <summary>Several edges on one database (Dialer:Cluster): channel grants, shared location.</summary>
    public Dialer.Edge.Trunks.ClusterSettings Cluster { get; init; } = new();

    /// <summary>Channels across all trunks together (0 = no server-wide cap).</summary>
    public int MaxChannels { get; init; }

    /// <summary>An answered trunk call's channel returns after this long even without a BYE (a lost BYE never leaks a channel).</summary>
    public TimeSpan MaxCallDuration { get; init; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Answer and send to every client at its observed source, and fill rport= even when it did not ask (Edge:ForceRport;
    /// Kamailio's force_rport(), Asterisk's force_rport=yes), so phones behind NAT are reached without asking.
    /// </summary>
    public bool ForceRport { get; init; } = true;

    /// <summary>How often NATed UDP bindings get a keepalive OPTIONS (Edge:NatPingSeconds; zero switches it off).</summary>
    public TimeSpan NatPingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Unanswered keepalives in a row after which a NATed binding is removed (Edge:NatPingMisses).</summary>
    public int NatPingMisses { get; init; } = 3;

    /// <summary>
    /// Remove the bindings registered over a TCP or TLS connection when it closes (Edge:DropBindingsOnLostConnection;
    /// Kamailio's handle_lost_tcp) instead of keeping them to their expiry, unreachable.
    /// </summary>
    public bool DropBindingsOnLostConnection { get; init; } = true;

    /// <summary>The per-source flood limiter (Edge:Flood).</summary>
    public Dialer.Edge.Core.FloodSettings Flood { get; init; } = new();

    /// <summary>Server transactions at most (Edge:MaxTransactions); a new request beyond it gets one stateless 503.</summary>
    public int MaxTransactions { get; init; } = 1_000_000;

    /// <summary>Live dialogs at most (Edge:MaxDialogs); a new call beyond it gets 503.</summary>
    public int MaxDialogs { get; init; } = 100_000;

    /// <summary>Proxy (fork to bindings) or redirect (302 with the bindings) for calls to extensions (Edge:ExtensionMode).</summary>
    public Dialer.Edge.Calls.ExtensionMode ExtensionMode { get; init; } = Dialer.Edge.Calls.ExtensionMode.Proxy;

    /// <summary>
    /// The HMAC key of the dialog tokens in our Record-Route (Edge:DialogKey, else derived from the secrets key), the
    /// same on every node of a cluster. Random by default, which suits tests and a single node that never restarts.
    /// </summary>
    public byte[] DialogKey { get; init; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>How trunk servers' names are looked up (Dialer:Sip:Dns).</summary>
    public Dialer.Sip.Dns.DnsSettings Dns { get; init; } = new();

    /// <summary>How often the repository version is checked for a new snapshot.</summary>
    public TimeSpan SnapshotPoll { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>What happens when a phone registers more contacts than its max contacts.</summary>
public enum MaxContactsPolicy
{
    /// <summary>Asterisk's remove_existing: the oldest bindings make room for the new one.</summary>
    RemoveExisting,
    /// <summary>Kamailio's registrar max_contacts: the REGISTER is refused and the old bindings stay.</summary>
    Reject,
}

/// <summary>Registration expiry bounds (RFC 3261 §10.2.1.1, §10.3 step 7) and the max-contacts policy.</summary>
public sealed record RegistrarSettings
{
    public int MinExpires { get; init; } = 60;
    public int MaxExpires { get; init; } = 3600;
    public int DefaultExpires { get; init; } = 3600;
    public MaxContactsPolicy MaxContacts { get; init; } = MaxContactsPolicy.RemoveExisting;
    /// <summary>
    /// Digest challenges in this order: MD5 alone by default, as Asterisk and Kamailio offer (SIPp and the baresip/re
    /// family answer one challenge and know only MD5); with SHA-256 enabled it comes first (RFC 8760 §3).
    /// </summary>
    public IReadOnlyList<Dialer.Sip.Auth.DigestAlgorithm> DigestAlgorithms { get; init; } = [Dialer.Sip.Auth.DigestAlgorithm.Md5];

    /// <summary>Nonce-counts tracked at most (each only while its nonce is fresh); beyond it a new nonce gets a fresh challenge.</summary>
    public int MaxTrackedNonces { get; init; } = 200_000;

    /// <summary>Digest nonces older than this are answered with stale=true.</summary>
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>Brute-force protection: after <see cref="MaxFailures"/> failed digest attempts in <see cref="Window"/>,
/// from one source address or for one extension, attempts get 403 for <see cref="CoolOff"/>.</summary>
public sealed record LockoutSettings
{
    public int MaxFailures { get; init; } = 5;
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan CoolOff { get; init; } = TimeSpan.FromMinutes(5);
}
