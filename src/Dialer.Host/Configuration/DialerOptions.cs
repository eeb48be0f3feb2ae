namespace Dialer.Host.Configuration;

/// <summary>The "Dialer" section of etc/dialer.json; every key may be overridden as Dialer__Section__Key.</summary>
public sealed class DialerOptions
{
    public const string Section = "Dialer";

    public DatabaseOptions Database { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
    public SecretsOptions Secrets { get; set; } = new();
    public SipOptions Sip { get; set; } = new();
}

public sealed class DatabaseOptions
{
    /// <summary>MySql.Data connection string of the peer repository (required).</summary>
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

    /// <summary>File holding the key in base64; created with a random key when missing. Relative to the working directory.</summary>
    public string KeyFile { get; set; } = "var/secrets.key";
}

public sealed class SipOptions
{
    /// <summary>Digest realm given to phones created without one.</summary>
    public string Realm { get; set; } = "dialer";

    /// <summary>SIP domains the edge is responsible for, besides its own listen addresses.</summary>
    public List<string> Domains { get; set; } = [];
}
