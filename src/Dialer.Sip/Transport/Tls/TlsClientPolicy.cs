using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dialer.Sip.Transport.Tls;

/// <summary>
/// How the edge checks a TLS server it connects to (a carrier's trunk server): the name the certificate must carry
/// (and the SNI sent; an IP literal is matched against the certificate's IP addresses and sends no SNI, RFC 6066 §3),
/// the trust anchors (the system store, or the CA certificates of <see cref="CaFile"/> only), or no check at all when
/// <see cref="SkipVerify"/> is set (operators turn that on per trunk, and it is logged).
/// </summary>
public sealed record TlsClientPolicy(string ServerName, string CaFile = "", bool SkipVerify = false)
{
    /// <summary>The options of one handshake. The CA file is read here, so a changed file counts from the next connection.</summary>
    internal SslClientAuthenticationOptions Options(SslProtocols protocols)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = ServerName,
            EnabledSslProtocols = protocols,
            // Carriers' CAs rarely publish reachable CRLs; an online check would stall calls on a network hiccup.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (SkipVerify)
        {
#pragma warning disable CA5359 // The operator's explicit per-trunk switch (tls.skipVerify), logged at start.
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (CaFile.Length > 0)
        {
            var anchors = new X509Certificate2Collection();
            anchors.ImportFromPemFile(CaFile);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(anchors);
            options.CertificateChainPolicy = policy;
        }
        return options;
    }
}
