using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Dialer.Sip.Transport.Tls;

namespace Dialer.Sip.Transport;

/// <summary>
/// TLS over the TCP machinery: a tls: listener is a TCP listener whose connections start with a server handshake; a
/// send to a TLS endpoint with no connection opens one (one connect per destination at a time, so concurrent sends
/// share it) and starts with a client handshake checked by the destination's <see cref="TlsClientPolicy"/>.
/// </summary>
public sealed partial class SipTransportHost
{
    private readonly ConcurrentDictionary<SipEndpoint, Lazy<Task<TcpConnection?>>> _connecting = new();

    /// <summary>How outbound TLS destinations are verified (set by whoever resolves them, before sending).</summary>
    public TlsClientPolicies TlsPeers => _options.Tls.Peers;

    private void PrepareTls(SipListenAddress address)
    {
        if (address.Protocol != SipProtocol.Tls)
        {
            return;
        }
        var certificates = _options.Tls.Certificates
            ?? throw new InvalidOperationException($"{address} needs a TLS certificate and key (Dialer:Sip:Tls:CertificateFile, KeyFile)");
        certificates.Preload();
    }

    private Func<Socket, CancellationToken, Task<SslStream>>? Secure(SipProtocol protocol, bool inbound, IPEndPoint remote)
    {
        if (protocol != SipProtocol.Tls)
        {
            return null;
        }
        var tls = _options.Tls;
        return inbound
            ? (socket, token) => TlsHandshake.AsServerAsync(socket, tls, token)
            : (socket, token) => TlsHandshake.AsClientAsync(socket, remote, tls, token);
    }

    /// <summary>Connection reuse (RFC 3261 §18.1.1, RFC 5923's spirit): concurrent first sends to one destination share one connect.</summary>
    private Task<TcpConnection?> ConnectOnceAsync(SipEndpoint destination, CancellationToken cancellationToken)
    {
        Lazy<Task<TcpConnection?>>? attempt = null;
        attempt = new Lazy<Task<TcpConnection?>>(async () =>
        {
            try
            {
                return await ConnectAsync(destination, CancellationToken.None);
            }
            finally
            {
                // By now the connection is in _connections (or failed): later sends find it there.
                _connecting.TryRemove(new KeyValuePair<SipEndpoint, Lazy<Task<TcpConnection?>>>(destination, attempt!));
            }
        });
        return _connecting.GetOrAdd(destination, attempt).Value.WaitAsync(cancellationToken);
    }
}
