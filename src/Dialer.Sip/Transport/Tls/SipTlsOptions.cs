using System.Security.Authentication;

namespace Dialer.Sip.Transport.Tls;

/// <summary>TLS of a transport host: what tls: listeners serve, how servers we connect to are checked, and the handshake bounds.</summary>
public sealed record SipTlsOptions
{
    /// <summary>The certificates of tls: listen addresses; required when one is configured.</summary>
    public TlsCertificateSource? Certificates { get; init; }

    /// <summary>How each outbound TLS destination is verified.</summary>
    public TlsClientPolicies Peers { get; init; } = new();

    /// <summary>TLS 1.2 and 1.3 (RFC 8446); older versions are refused both ways.</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>A handshake not done within this long closes the connection (a client that connects and sends nothing holds no slot).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Told of every failed handshake (peer address, whether we were the server, the error); null tells no one.</summary>
    public Action<System.Net.IPEndPoint, bool, Exception>? HandshakeFailed { get; init; }
}
