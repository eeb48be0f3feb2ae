using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dialer.Testing;

/// <summary>
/// A private CA and the certificates it signs, made with .NET's CertificateRequest and written as PEM files into a
/// folder of the test's own (deleted on dispose): what an operator would get from their PKI, and what Kamailio's tls
/// module and our own transports read.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificates(string caName = "Dialer Test CA")
    {
        Folder = Directory.CreateTempSubdirectory("dialer-tls-").FullName;
        var request = new CertificateRequest($"CN={caName}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        CaFile = Path.Combine(Folder, "ca.pem");
        File.WriteAllText(CaFile, Ca.ExportCertificatePem());
    }

    public string Folder { get; }
    public X509Certificate2 Ca { get; }

    /// <summary>The CA certificate as PEM (a trunk's tls.caFile).</summary>
    public string CaFile { get; }

    /// <summary>A server certificate and key for the names given (IP literals become IP SANs), signed by the CA.</summary>
    /// <param name="fileName">Base name of the two files written: NAME.crt and NAME.key.</param>
    /// <param name="names">DNS names and IP addresses the certificate is for; the first is its CN.</param>
    public (string CertificateFile, string KeyFile, X509Certificate2 Certificate) Issue(string fileName, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var certificate = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddDays(30), serial);
        var certificateFile = Path.Combine(Folder, fileName + ".crt");
        var keyFile = Path.Combine(Folder, fileName + ".key");
        // Written to a temporary name and renamed, as a certificate renewal tool would, so a reader never sees half a file.
        WriteAtomically(certificateFile, certificate.ExportCertificatePem());
        WriteAtomically(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile, certificate);
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        Ca.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file (Kamailio stopping): the temp folder is cleaned by the system.
        }
    }
}
