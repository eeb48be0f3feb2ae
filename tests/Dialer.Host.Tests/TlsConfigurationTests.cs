using Dialer.Host.Configuration;
using Dialer.Host.Hosting;
using Dialer.Sip.Transport;
using Dialer.Testing;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Dialer:Sip:Tls as `dialer serve` reads it: required with a tls: address, files named by key, paths relative to the configuration file.</summary>
public sealed class TlsConfigurationTests
{
    [Test]
    public void TlsListenAddress_WithoutCertificate_IsRefusedNamingTheKeys()
    {
        var options = new DialerOptions { Sip = { Listen = ["udp:127.0.0.1:5060", "tls:127.0.0.1:5061"] } };
        var failures = new List<string>();
        var settings = EdgeSettingsFactory.From(options, failures);
        Assert.That(settings.Listen.Select(l => l.Protocol), Is.EqualTo(new[] { SipProtocol.Udp, SipProtocol.Tls }));
        Assert.That(failures, Has.Some.StartsWith("Dialer:Sip:Tls:CertificateFile is required").And.Some.StartsWith("Dialer:Sip:Tls:KeyFile is required"));
    }

    [Test]
    public void CertificatePaths_AreRelativeToTheConfigurationFile()
    {
        using var pki = new TestCertificates();
        var (certificate, key, _) = pki.Issue("edge", "edge.test");
        var config = Path.Combine(pki.Folder, "dialer.json");
        File.WriteAllText(config, """
            {"Dialer":{"Sip":{"Listen":["tls:127.0.0.1:5061"],"Tls":{"CertificateFile":"edge.crt","KeyFile":"edge.key",
             "ServerNames":[{"Name":"other.test","CertificateFile":"edge.crt","KeyFile":"edge.key"}]}}}}
            """);
        var options = new DialerOptions();
        DialerConfiguration.Load(config).GetSection(DialerOptions.Section).Bind(options);
        var failures = new List<string>();
        var settings = EdgeSettingsFactory.From(options, failures);
        Assert.That(failures.Where(f => f.Contains("Tls", StringComparison.Ordinal)), Is.Empty);
        Assert.That(settings.Tls.Certificate!.CertificateFile, Is.EqualTo(certificate));
        Assert.That(settings.Tls.Certificate.KeyFile, Is.EqualTo(key));
        Assert.That(settings.Tls.ServerNames.Single().CertificateFile, Is.EqualTo(certificate));
    }
}
