namespace Dialer.Peers.Model;

/// <summary>A trunk peer: a carrier link with its caps, identity rules and servers.</summary>
public sealed record Trunk(
    string Name,
    string Description,
    int ChannelCap,
    int CpsCap,
    IReadOnlyList<string> Codecs,
    string DialPrefix,
    IReadOnlyList<Cidr> Acl,
    TrunkAuth? Auth,
    CallOriginHeader CallOriginHeader,
    RuriTransform RuriTransform,
    string FromUser,
    string FromDomain,
    ProbePolicy Probe,
    IReadOnlyList<TrunkServer> Servers,
    bool Active,
    long Version)
{
    /// <summary>Certificate checks of the trunk's TLS servers.</summary>
    public TrunkTls Tls { get; init; } = TrunkTls.Default;
}

/// <summary>
/// Outbound digest credentials the edge uses when a carrier challenges. In a write, a null
/// <see cref="Password"/> keeps the stored secret; read back it is the decrypted secret.
/// </summary>
public sealed record TrunkAuth(string Username, string? Password)
{
    public override string ToString() => $"TrunkAuth {{ Username = {Username}, Password = *** }}";
}

/// <summary>Request-URI rewrite towards the carrier: strip leading digits, then add a prefix and URI parameters.</summary>
public sealed record RuriTransform(int Strip, string Prefix, string Params)
{
    public static readonly RuriTransform None = new(0, "", "");
}

/// <summary>
/// OPTIONS probing of the trunk's servers, with Kamailio dispatcher semantics: down after
/// <see cref="FailThreshold"/> failures, up after <see cref="RecoverThreshold"/> successes.
/// </summary>
public sealed record ProbePolicy(
    int IntervalSeconds,
    int TimeoutMs,
    int FailThreshold,
    int RecoverThreshold,
    int LagMs,
    string AliveCodes)
{
    /// <summary>
    /// Any answer 200-499 shows the server is alive: carriers often refuse OPTIONS with 403, 404 or 405,
    /// yet carry calls. 5xx and 6xx, timeouts and transport errors count as failures.
    /// </summary>
    public static readonly ProbePolicy Default = new(30, 2000, 3, 2, 500, "200-499");
}

/// <summary>
/// One SIP address of a trunk. <see cref="Port"/> null means "locate by DNS SRV" (RFC 3263); <see cref="DnsOrder"/>
/// says which lookups locate a host name (of the server, or of its outbound proxy when one is set).
/// </summary>
public sealed record TrunkServer(
    string Host,
    int? Port,
    SipTransport Transport,
    SipScheme Scheme,
    string OutboundProxy,
    int Priority,
    int Weight,
    bool Active,
    DnsOrder DnsOrder = DnsOrder.Rfc3263)
{
    /// <summary>Where requests to this server go first: its outbound proxy when one is set, else the server itself.</summary>
    /// <returns>The host without IPv6 brackets, and the port (null: locate by DNS).</returns>
    public (string Host, int? Port) NextHop()
    {
        var (host, port) = OutboundProxy.Length > 0 && ProxyAddress.TrySplit(OutboundProxy, out var proxyHost, out var proxyPort)
            ? (proxyHost, proxyPort)
            : (Host, Port);
        return (host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host, port);
    }

    /// <summary>How Request-URIs name this server (calls and probes alike): sips: for scheme sips (RFC 3261 §19.1: TLS
    /// on every hop), else sip: with the transport parameter for tcp and tls (§19.1.1, as Kamailio's dispatcher writes it).</summary>
    public (string Scheme, string TransportParameter) UriSchemeAndTransport() =>
        Scheme == SipScheme.Sips ? ("sips", "")
        : ("sip", Transport switch { SipTransport.Tcp => ";transport=tcp", SipTransport.Tls => ";transport=tls", _ => "" });
}
