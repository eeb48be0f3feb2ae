using Dialer.Sip.Transport.Tls;

namespace Dialer.Edge;

/// <summary>The edge's TLS (Dialer:Sip:Tls): what tls: listen addresses serve, and the handshake bound.</summary>
public sealed record EdgeTlsSettings
{
    /// <summary>The default certificate; null when no tls: listen address is configured.</summary>
    public TlsCertificateFiles? Certificate { get; init; }

    /// <summary>Certificates chosen by SNI name.</summary>
    public IReadOnlyList<TlsCertificateFiles> ServerNames { get; init; } = [];

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
