using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dialer.Sip.Transport.Tls;

/// <summary>
/// One certificate and key read from PEM files, re-read when either file's modification time or length changes
/// (checked on each handshake: two stat calls). A reload that fails (a half-written file during a rotation) keeps
/// the previous certificate and is reported once per change; a certificate that never loaded throws.
/// </summary>
internal sealed class ReloadingCertificate(TlsCertificateFiles files, Action<TlsCertificateFiles, Exception>? reloadFailed)
{
    private readonly Lock _gate = new();
    private SslStreamCertificateContext? _context;
    private (DateTime, long, DateTime, long) _stamp;

    public TlsCertificateFiles Files => files;

    /// <summary>The leaf certificate currently served (tests and logs).</summary>
    public X509Certificate2? Current { get; private set; }

    public SslStreamCertificateContext Context()
    {
        var stamp = Stamp();
        lock (_gate)
        {
            if (_context is not null && stamp == _stamp)
            {
                return _context;
            }
            try
            {
                (_context, Current) = Load(files);
            }
            catch (Exception error) when (error is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
            {
                if (_context is null)
                {
                    throw new InvalidOperationException($"TLS certificate {files.CertificateFile} with key {files.KeyFile} cannot be read: {error.Message}", error);
                }
                reloadFailed?.Invoke(files, error);
            }
            _stamp = stamp;
            return _context;
        }
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        var certificate = new FileInfo(files.CertificateFile);
        var key = new FileInfo(files.KeyFile);
        return (certificate.Exists ? certificate.LastWriteTimeUtc : default, certificate.Exists ? certificate.Length : -1,
            key.Exists ? key.LastWriteTimeUtc : default, key.Exists ? key.Length : -1);
    }

    private static (SslStreamCertificateContext, X509Certificate2) Load(TlsCertificateFiles files)
    {
        using var pem = X509Certificate2.CreateFromPemFile(files.CertificateFile, files.KeyFile);
        // Linux keeps the key in memory either way; a PKCS#12 round trip gives one certificate object that owns it.
        var leaf = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(files.CertificateFile);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain)
        {
            if (!certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
            {
                intermediates.Add(certificate);
            }
        }
        // offline: the chain is what the file says; no AIA fetches while a phone waits for its handshake.
        return (SslStreamCertificateContext.Create(leaf, intermediates, offline: true), leaf);
    }
}
