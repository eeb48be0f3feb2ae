using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dialer.Sip.Transport.Tls;

/// <summary>The server and client handshakes of a SIP-over-TLS connection (RFC 3261 §26.3.1, RFC 5630).</summary>
internal static class TlsHandshake
{
    /// <summary>
    /// Accepts a TLS client: the certificate for the ClientHello's SNI name, TLS 1.2/1.3 only, no client certificate
    /// asked for (phones authenticate with digest, RFC 3261 §26.2.2 allows it).
    /// </summary>
    public static async Task<SslStream> AsServerAsync(Socket socket, SipTlsOptions tls, CancellationToken cancellationToken)
    {
        var certificates = tls.Certificates ?? throw new InvalidOperationException("a tls: listener needs certificates");
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsServerAsync((_, hello, _, _) => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificates.Select(hello.ServerName),
                EnabledSslProtocols = tls.Protocols,
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }), null, cancellationToken);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects as a TLS client, checking the server as the destination's policy says.</summary>
    public static async Task<SslStream> AsClientAsync(Socket socket, IPEndPoint remote, SipTlsOptions tls, CancellationToken cancellationToken)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(tls.Peers.For(remote).Options(tls.Protocols), cancellationToken);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Errors a failed handshake ends with; anything else is a bug and is not swallowed.</summary>
    public static bool IsHandshakeError(Exception error) =>
        error is AuthenticationException or IOException or SocketException or OperationCanceledException or ObjectDisposedException
            or System.Security.Cryptography.CryptographicException or InvalidOperationException;
}
