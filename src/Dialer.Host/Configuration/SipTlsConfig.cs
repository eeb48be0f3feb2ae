namespace Dialer.Host.Configuration;

/// <summary>
/// Dialer:Sip:Tls. PEM files; a relative path is relative to the configuration file's folder. Each file is read again
/// when it changes (checked at every new handshake), so a renewed certificate needs no restart.
/// </summary>
public sealed class SipTlsConfig
{
    /// <summary>The default certificate (optionally followed by its intermediates) of every tls: listen address.</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>Its private key (PKCS#8 or traditional RSA/EC PEM).</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Further certificates chosen by the name a client sends in SNI ("*.example.com" matches one label).</summary>
    public List<SipTlsServerName> ServerNames { get; set; } = [];

    /// <summary>A TLS handshake not finished within this many seconds closes the connection.</summary>
    public int HandshakeTimeoutSeconds { get; set; } = 10;
}

/// <summary>One entry of Dialer:Sip:Tls:ServerNames.</summary>
public sealed class SipTlsServerName
{
    public string Name { get; set; } = "";
    public string CertificateFile { get; set; } = "";
    public string KeyFile { get; set; } = "";
}
