using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Transport.Tls;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge;

/// <summary>The edge's TLS options for its transport, with what operators must see in the log: failed certificate
/// reloads, failed handshakes, and every trunk whose certificate checks are switched off.</summary>
public static partial class EdgeTls
{
    public static SipTlsOptions Options(EdgeTlsSettings settings, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new SipTlsOptions
        {
            Certificates = settings.Certificate is { } certificate
                ? new TlsCertificateSource(certificate, settings.ServerNames, (files, error) => LogReloadFailed(logger, files.CertificateFile, files.KeyFile, error.Message))
                : null,
            HandshakeTimeout = settings.HandshakeTimeout,
            HandshakeFailed = (peer, asServer, error) => LogHandshakeFailed(logger, asServer ? "from" : "to", peer, error.Message),
        };
    }

    /// <summary>
    /// Warns for every trunk with TLS servers and tls.skipVerify: those in the snapshot at start, and each trunk a later
    /// snapshot switches to it (once per switch, not at every reload).
    /// </summary>
    public static void WatchUnverified(PeerSnapshotSource peers, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var warned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Check(PeerSnapshot snapshot)
        {
            lock (warned)
            {
                var unverified = snapshot.Trunks.Values.Where(t => t.Tls.SkipVerify && t.Servers.Any(s => s.Transport == SipTransport.Tls)).ToList();
                foreach (var trunk in unverified.Where(t => warned.Add(t.Name)))
                {
                    LogSkipVerify(logger, trunk.Name);
                }
                warned.IntersectWith(unverified.Select(t => t.Name));
            }
        }
        peers.Published += Check;
        Check(peers.Current);
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Warning,
        Message = "TLS certificate {CertificateFile} / key {KeyFile} changed but cannot be read ({Reason}); the previous certificate stays in use")]
    private static partial void LogReloadFailed(ILogger logger, string certificateFile, string keyFile, string reason);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "TLS handshake {Direction} {Peer} failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string direction, System.Net.IPEndPoint peer, string reason);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning,
        Message = "Trunk {Trunk}: TLS certificate verification is OFF (tls.skipVerify); its servers' identity is not checked")]
    private static partial void LogSkipVerify(ILogger logger, string trunk);
}
