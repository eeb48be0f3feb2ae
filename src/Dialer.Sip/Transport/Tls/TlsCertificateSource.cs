using System.Net.Security;

namespace Dialer.Sip.Transport.Tls;

/// <summary>
/// The certificates a TLS listener serves: one per SNI name (RFC 6066 §3, matched case-insensitively, "*.example.com"
/// matching one label), and the default for clients that send no name or an unknown one. Each is re-read from its PEM
/// files when they change, so a renewed certificate is served from the next handshake on without a restart.
/// </summary>
public sealed class TlsCertificateSource
{
    private readonly ReloadingCertificate _default;
    private readonly List<ReloadingCertificate> _named;

    /// <param name="defaultCertificate">Served when no named certificate matches the client's SNI.</param>
    /// <param name="named">Certificates for particular server names.</param>
    /// <param name="reloadFailed">Told when changed files could not be read (the previous certificate stays in use).</param>
    public TlsCertificateSource(TlsCertificateFiles defaultCertificate, IEnumerable<TlsCertificateFiles>? named = null,
        Action<TlsCertificateFiles, Exception>? reloadFailed = null)
    {
        _default = new ReloadingCertificate(defaultCertificate, reloadFailed);
        _named = [.. (named ?? []).Select(files => new ReloadingCertificate(files, reloadFailed))];
    }

    /// <summary>Loads every certificate once, so that a missing or broken file fails at start, not at the first phone.</summary>
    public void Preload()
    {
        _default.Context();
        foreach (var certificate in _named)
        {
            certificate.Context();
        }
    }

    /// <summary>The certificate for the name a client asked for in its ClientHello (null or empty: none asked).</summary>
    public SslStreamCertificateContext Select(string? serverName)
    {
        if (!string.IsNullOrEmpty(serverName))
        {
            foreach (var certificate in _named)
            {
                if (Matches(certificate.Files.ServerName, serverName))
                {
                    return certificate.Context();
                }
            }
        }
        return _default.Context();
    }

    internal static bool Matches(string pattern, string name)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && string.Equals(pattern[1..], name[dot..], StringComparison.OrdinalIgnoreCase);
        }
        return string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase);
    }
}
