namespace Dialer.Host.Configuration;

/// <summary>The "Dialer" section of etc/dialer.json; every key may be overridden as Dialer__Section__Key.</summary>
public sealed class DialerOptions
{
    public const string Section = "Dialer";

    public DatabaseOptions Database { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
    public SecretsOptions Secrets { get; set; } = new();
    public SipOptions Sip { get; set; } = new();
    public EdgeOptions Edge { get; set; } = new();
    public HealthOptions Health { get; set; } = new();
    public MetricsOptions Metrics { get; set; } = new();
    public ClusterOptions Cluster { get; set; } = new();
}

public sealed class DatabaseOptions
{
    /// <summary>MySqlConnector connection string of the peer repository (required).</summary>
    public string ConnectionString { get; set; } = "";
}

public sealed class AdminOptions
{
    /// <summary>Where the admin API listens. Port 0 picks a free port (tests).</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Largest page a list endpoint returns.</summary>
    public int MaxPageSize { get; set; } = 1000;
}

public sealed class SecretsOptions
{
    /// <summary>AES-256 key for trunk secrets, 32 bytes in base64. Wins over <see cref="KeyFile"/>.</summary>
    public string Key { get; set; } = "";

    /// <summary>
    /// File holding the key in base64. A relative path is relative to the configuration file's folder (or
    /// /var/lib/dialer without one), never to the working directory. `dialer serve` and `dialer migrate` create it
    /// with a random key when it is missing and no trunk holds a secret yet; no other verb creates it.
    /// </summary>
    public string KeyFile { get; set; } = "secrets.key";
}

public sealed class SipOptions
{
    /// <summary>Digest realm given to phones created without one.</summary>
    public string Realm { get; set; } = "dialer";

    /// <summary>SIP domains the edge is responsible for, besides its own listen addresses.</summary>
    public List<string> Domains { get; set; } = [];

    /// <summary>Where the SIP edge listens, "udp:IP:PORT" / "tcp:IP:PORT" / "tls:IP:PORT"; empty means udp and tcp on 127.0.0.1:5060.</summary>
    public List<string> Listen { get; set; } = [];

    /// <summary>HEPv3 mirroring of every SIP message in and out (off by default).</summary>
    public HepOptions Hep { get; set; } = new();

    /// <summary>How trunk servers' names are looked up (the edge's calls and the health probes).</summary>
    public DnsOptions Dns { get; set; } = new();

    /// <summary>Certificates of tls: listen addresses (required with one) and the TLS handshake bound.</summary>
    public SipTlsConfig Tls { get; set; } = new();
}

public sealed class DnsOptions
{
    /// <summary>Name servers, "IP" or "IP:PORT" ("[::1]:53" for IPv6), asked in turn; empty means those of /etc/resolv.conf.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Milliseconds one query to one name server may take.</summary>
    public int TimeoutMs { get; set; } = 2000;

    /// <summary>Queries per name server before the next is asked.</summary>
    public int Attempts { get; set; } = 2;

    /// <summary>UDP payload size advertised with EDNS (RFC 6891); 512 sends none. Truncated answers are asked again over TCP.</summary>
    public int EdnsPayloadSize { get; set; } = Dialer.Sip.Dns.DnsSettings.DefaultEdnsPayloadSize;
}

public sealed class EdgeOptions
{
    /// <summary>Whether `dialer serve` runs the SIP edge at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>CIDRs whose INVITEs are trusted as dialer calls without digest.</summary>
    public List<string> DialerAcl { get; set; } = [];

    /// <summary>How often the repository version is checked for a new peer snapshot, in milliseconds.</summary>
    public int SnapshotPollMs { get; set; } = 1000;

    /// <summary>Registration expiry bounds in seconds (RFC 3261 §10.3): below MinExpires gets 423.</summary>
    public int MinExpires { get; set; } = 60;
    public int MaxExpires { get; set; } = 3600;
    public int DefaultExpires { get; set; } = 3600;

    /// <summary>"remove_existing" (Asterisk: oldest bindings make room) or "reject" (Kamailio: the REGISTER is refused).</summary>
    public string MaxContactsPolicy { get; set; } = "remove_existing";

    /// <summary>Failed digest attempts from one source or for one extension within LockoutWindowSeconds before a lockout.</summary>
    public int LockoutFailures { get; set; } = 5;
    public int LockoutWindowSeconds { get; set; } = 60;
    public int LockoutSeconds { get; set; } = 300;

    /// <summary>Digest challenge order: "MD5,SHA-256" (default; SIPp and older phones answer only the first) or "SHA-256,MD5".</summary>
    public string DigestAlgorithms { get; set; } = "MD5";

    /// <summary>Channels across all trunks together; 0 = no server-wide cap.</summary>
    public int MaxChannels { get; set; }

    /// <summary>An answered trunk call's channel returns after this many seconds even without a BYE.</summary>
    public int MaxCallSeconds { get; set; } = 14_400;

    /// <summary>How long SIGTERM waits for transactions in progress before the edge stops.</summary>
    public int DrainSeconds { get; set; } = 5;

    /// <summary>Reply to every client at its observed source and fill rport= even unasked (RFC 3581 forced), for phones behind NAT.</summary>
    public bool ForceRport { get; set; } = true;

    /// <summary>Seconds between keepalive OPTIONS to phones registered from behind NAT (0 = off).</summary>
    public int NatPingSeconds { get; set; } = 30;

    /// <summary>Unanswered keepalives in a row after which such a binding is removed.</summary>
    public int NatPingMisses { get; set; } = 3;

    /// <summary>Bindings registered over a TCP or TLS connection are removed when that connection closes.</summary>
    public bool DropBindingsOnLostConnection { get; set; } = true;

    /// <summary>Server transactions at most; a new request beyond it gets a stateless 503.</summary>
    public int MaxTransactions { get; set; } = 1_000_000;

    /// <summary>The per-source flood limiter (Kamailio's pike).</summary>
    public FloodOptions Flood { get; set; } = new();

    /// <summary>Live dialogs (calls through the edge) at most; a call beyond it gets 503.</summary>
    public int MaxDialogs { get; set; } = 100_000;

    /// <summary>Calls to registered extensions: "proxy" (fork to the bindings) or "redirect" (302 with the bindings).</summary>
    public string ExtensionMode { get; set; } = "proxy";

    /// <summary>Base64 HMAC key (16+ bytes) of the dialog tokens in Record-Route; empty = derived from the secrets key.</summary>
    public string DialogKey { get; set; } = "";
}

public sealed class FloodOptions
{
    /// <summary>Limit each source address (dialers, carriers and Exempt CIDRs never are).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The sampling window in seconds.</summary>
    public int WindowSeconds { get; set; } = 2;

    /// <summary>Messages from one address in one window before it is dropped.</summary>
    public int MaxRequests { get; set; } = 1000;

    /// <summary>How long a flooding address is dropped, in seconds.</summary>
    public int CoolOffSeconds { get; set; } = 10;

    /// <summary>Addresses tracked at most.</summary>
    public int MaxSources { get; set; } = 100_000;

    /// <summary>CIDRs never limited, e.g. a call centre's NAT address with thousands of phones.</summary>
    public List<string> Exempt { get; set; } = [];
}

public sealed class HealthOptions
{
    /// <summary>Whether `dialer serve` runs the OPTIONS probe jobs and the report job.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between labeled health reports (a server state change writes one at once too).</summary>
    public int ReportIntervalSeconds { get; set; } = 60;

    /// <summary>Hours reports and state changes are kept.</summary>
    public int RetentionHours { get; set; } = 168;

    /// <summary>Quartz's ADO job store in MariaDB, so several `dialer serve` processes share the probes.</summary>
    public bool Clustered { get; set; }

    /// <summary>Addresses probes are sent from ("udp:IP:0"); empty = the IP of each Sip:Listen address on a free port.</summary>
    public List<string> ProbeFrom { get; set; } = [];
}

public sealed class MetricsOptions
{
    /// <summary>Where GET /metrics listens, e.g. http://0.0.0.0:9464; empty = on the admin listener (and only there).</summary>
    public string Url { get; set; } = "";

    /// <summary>Bearer token GET /metrics requires; empty = open (Prometheus' default scrape).</summary>
    public string Token { get; set; } = "";
}

/// <summary>Dialer:Cluster: several `dialer serve` on one database (docs/operations.md, "Running several edges").</summary>
public sealed class ClusterOptions
{
    /// <summary>Channel grants per node, shared location, per-node dialogs; needs the cluster's shared secrets key.</summary>
    public bool Enabled { get; set; }

    /// <summary>This node's name, stable across restarts (at most 64 characters); empty = host name and first SIP listen address.</summary>
    public string NodeId { get; set; } = "";

    public int HeartbeatMs { get; set; } = 1000;

    /// <summary>A node silent for this long is dead: its unused channels return at once.</summary>
    public int DeadAfterSeconds { get; set; } = 5;

    /// <summary>A dead node's grant (its calls, at most one chunk more) stays charged this long; 0 = Dialer:Edge:MaxCallSeconds.</summary>
    public int OrphanHoldSeconds { get; set; }

    /// <summary>Channels a grant grows by at a time; 0 = a tenth of the pool, at least one.</summary>
    public int LeaseChunk { get; set; }

    /// <summary>How often a node reads the bindings the others changed.</summary>
    public int LocationPollMs { get; set; } = 500;
}
