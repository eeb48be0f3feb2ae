namespace Dialer.Sip.Proxy;

/// <summary>How a proxy rewrites one request it forwards (RFC 3261 §16.6).</summary>
public sealed record ForwardOptions
{
    /// <summary>Our Via value without the "Via: " name, e.g. "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK...;rport".</summary>
    public required string Via { get; init; }

    /// <summary>The new Request-URI; null keeps the received one.</summary>
    public string? RequestUri { get; init; }

    /// <summary>A Record-Route URI such as "sip:192.0.2.1:5060;lr" so in-dialog requests pass this proxy; null for none.</summary>
    public string? RecordRoute { get; init; }

    /// <summary>Remove the top Route header: it named this proxy (RFC 3261 §16.4 loose routing).</summary>
    public bool RemoveTopRoute { get; init; }

    /// <summary>Received source for the previous hop's Via: received= and rport= (RFC 3261 §18.2.1, RFC 3581 §4).</summary>
    public System.Net.IPEndPoint? Source { get; init; }

    /// <summary>Fill rport= on the previous hop's Via even when it did not ask (RFC 3581 forced, for phones behind NAT).</summary>
    public bool ForceRport { get; init; }

    /// <summary>Headers to drop by name (case-insensitive), e.g. X-Dialer-Trunk or a From to be replaced.</summary>
    public IReadOnlyCollection<string> RemoveHeaders { get; init; } = [];

    /// <summary>Headers to add, each "Name: value".</summary>
    public IReadOnlyList<string> AddHeaders { get; init; } = [];

    /// <summary>A replacement body (e.g. filtered SDP); null keeps the received body.</summary>
    public ReadOnlyMemory<byte>? Body { get; init; }
}
