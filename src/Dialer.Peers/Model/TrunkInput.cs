namespace Dialer.Peers.Model;

/// <summary>A trunk peer as an admin writes it, before validation (docs/architecture.md, "Names on the wire").</summary>
public sealed class TrunkInput
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public int? ChannelCap { get; set; }
    public int? CpsCap { get; set; }
    public List<string>? Codecs { get; set; }
    public string? DialPrefix { get; set; }
    public List<string>? Acl { get; set; }
    /// <summary>Outbound credentials; omitted or null means none.</summary>
    public TrunkAuthInput? Auth { get; set; }
    public string? CallOriginHeader { get; set; }
    public RuriTransformInput? RuriTransform { get; set; }
    public string? FromUser { get; set; }
    public string? FromDomain { get; set; }
    public ProbePolicyInput? Probe { get; set; }
    public List<TrunkServerInput>? Servers { get; set; }
    /// <summary>Certificate checks of the TLS servers; omitted means the system store and the server's host name.</summary>
    public TrunkTlsInput? Tls { get; set; }
    public bool? Active { get; set; }
}

public sealed class TrunkAuthInput
{
    public string? Username { get; set; }
    /// <summary>Write-only. Null keeps the stored secret when the trunk already has one.</summary>
    public string? Password { get; set; }
}

public sealed class RuriTransformInput
{
    public int? Strip { get; set; }
    public string? Prefix { get; set; }
    public string? Params { get; set; }
}

public sealed class ProbePolicyInput
{
    public int? IntervalSeconds { get; set; }
    public int? TimeoutMs { get; set; }
    public int? FailThreshold { get; set; }
    public int? RecoverThreshold { get; set; }
    public int? LagMs { get; set; }
    public string? AliveCodes { get; set; }
}

public sealed class TrunkServerInput
{
    public string? Host { get; set; }
    public int? Port { get; set; }
    public string? Transport { get; set; }
    public string? Scheme { get; set; }
    public string? OutboundProxy { get; set; }
    /// <summary>"rfc3263" (default) or "a-first".</summary>
    public string? DnsOrder { get; set; }
    public int? Priority { get; set; }
    public int? Weight { get; set; }
    public bool? Active { get; set; }
}
