namespace Dialer.Sip.Transport.Tls;

/// <summary>
/// A server certificate as PEM files: <paramref name="CertificateFile"/> holds the certificate, optionally followed by
/// its intermediates (the chain sent to peers); <paramref name="KeyFile"/> its private key (PKCS#8, RSA or EC).
/// <paramref name="ServerName"/> is the SNI name it answers (RFC 6066 §3); empty for the default certificate.
/// </summary>
public sealed record TlsCertificateFiles(string ServerName, string CertificateFile, string KeyFile);
