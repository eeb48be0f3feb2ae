using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// TLS end to end with peers nobody here wrote (issue 14): Kamailio 5.6 with its tls module as the TLS carrier behind
/// a trunk (its OPTIONS probe up, a dialer's call carried to it over TLS with a sips: Request-URI), and a .NET
/// SslStream client as a TLS phone that registers with digest and receives a call on the same connection.
/// Certificates come from a CA the test makes.
/// </summary>
[NonParallelizable]
public sealed class TlsTests
{
    private TestCertificates _pki = null!;
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _pki = new TestCertificates();
        var edge = _pki.Issue("edge", "edge.test", "127.0.0.1");
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Sip:Listen:2"] = "tls:127.0.0.1:0",
            ["Dialer:Sip:Tls:CertificateFile"] = edge.CertificateFile,
            ["Dialer:Sip:Tls:KeyFile"] = edge.KeyFile,
            ["Dialer:Health:Enabled"] = "true",
            ["Dialer:Health:ReportIntervalSeconds"] = "2",
        });
        _admin = _server.Client();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private async Task CreateAsync(string path, string json)
    {
        var created = await _admin.PostJsonAsync(path, json);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await _server.WaitForPeersAsync();
    }

    private async Task<string?> ServerStateAsync(string trunk)
    {
        var all = await (await _admin.GetAsync(new Uri($"/api/health?trunk={trunk}", UriKind.Relative))).JsonAsync();
        return all.ValueKind == JsonValueKind.Array && all.GetArrayLength() > 0 ? all[0].GetProperty("servers")[0].GetProperty("state").GetString() : null;
    }

    /// <summary>Kamailio: tls on <paramref name="tlsPort"/> with the carrier certificate, OPTIONS answered itself, INVITEs record-routed and relayed to the SIPp carrier over UDP.</summary>
    private async Task<KamailioProcess> StartKamailioAsync(int tlsPort, int udpPort, int carrierPort)
    {
        var carrier = _pki.Issue("kamailio", "carrier.test");
        var folder = Directory.CreateTempSubdirectory("kamailio-tls-").FullName;
        var tlsConfig = Path.Combine(folder, "tls.cfg");
        await File.WriteAllTextAsync(tlsConfig, $"""
            [server:default]
            method = TLSv1.2+
            verify_certificate = no
            require_certificate = no
            certificate = {carrier.CertificateFile}
            private_key = {carrier.KeyFile}

            [client:default]
            method = TLSv1.2+
            verify_certificate = no
            require_certificate = no

            """);
        var config = Path.Combine(folder, "kamailio.cfg");
        await File.WriteAllTextAsync(config, $$"""
            #!KAMAILIO
            debug=2
            log_stderror=yes
            children=1
            tcp_children=1
            auto_aliases=no
            dns=no
            rev_dns=no
            enable_tls=yes
            listen=tls:127.0.0.1:{{Port(tlsPort)}}
            listen=udp:127.0.0.1:{{Port(udpPort)}}
            loadmodule "tls.so"
            loadmodule "tm.so"
            loadmodule "sl.so"
            loadmodule "rr.so"
            loadmodule "pv.so"
            loadmodule "xlog.so"
            loadmodule "siputils.so"
            loadmodule "textops.so"
            modparam("tls", "config", "{{tlsConfig}}")
            request_route {
                xlog("L_NOTICE", "CARRIER $rm over $pr ruri=$ru\n");
                if (is_method("OPTIONS") && !has_totag()) {
                    sl_send_reply("200", "OK");
                    exit;
                }
                if (has_totag()) {
                    loose_route();
                    if (uri == myself) {
                        $du = "sip:127.0.0.1:{{Port(carrierPort)}}";
                    }
                    t_relay();
                    exit;
                }
                if (is_method("CANCEL")) {
                    if (t_check_trans()) {
                        t_relay();
                    }
                    exit;
                }
                record_route();
                $du = "sip:127.0.0.1:{{Port(carrierPort)}}";
                t_relay();
            }

            """);
        return await KamailioProcess.StartAsync(config, async () =>
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, tlsPort);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20));
    }

    [Test]
    public async Task TlsTrunk_ProbeIsUp_AndADialerCallIsCarriedOverTlsToKamailio()
    {
        var (tlsPort, udpPort, carrierPort) = (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        await using var kamailio = await StartKamailioAsync(tlsPort, udpPort, carrierPort);
        // Verified against the test CA under the certificate's name (the server is an IP: tls.serverName names it).
        await CreateAsync("/api/trunks", $$"""
            {"name":"kamailio-tls","channelCap":2,"dialPrefix":"81",
             "tls":{"caFile":"{{_pki.CaFile}}","serverName":"carrier.test"},
             "probe":{"intervalSeconds":1,"timeoutMs":800,"failThreshold":1,"recoverThreshold":1},
             "servers":[{"host":"127.0.0.1","port":{{tlsPort}},"transport":"tls","scheme":"sips"}]}
            """);
        var state = await Eventually.ReadAsync(() => ServerStateAsync("kamailio-tls"), s => s == "up", TimeSpan.FromSeconds(20));
        Assert.That(state, Is.EqualTo("up"), "the OPTIONS probe over TLS is answered: " + kamailio.Log);
        Assert.That(kamailio.Log, Does.Contain("CARRIER OPTIONS over tls ruri=sips:127.0.0.1:" + Port(tlsPort)));

        var scenario = SippScenario.Load("carrier-behind-proxy", ("contact", $"sip:carrier@127.0.0.1:{Port(tlsPort)};transport=tls"));
        await using var carrier = SippProcess.Start(scenario, ["-i", "127.0.0.1", "-p", Port(carrierPort), "-t", "u1", "-m", "1", "-trace_logs"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(carrierPort), Is.True, "the SIPp carrier listens");
        var dialer = await SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = "815550100" });
        var carrierOutput = await carrier.StopAsync();
        Assert.That(dialer.ExitCode, Is.Zero, dialer.Output + carrierOutput + kamailio.Log);
        Assert.Multiple(() =>
        {
            Assert.That(kamailio.Log, Does.Contain($"CARRIER INVITE over tls ruri=sips:5550100@127.0.0.1:{Port(tlsPort)}"), "sips: Request-URI over TLS");
            Assert.That(kamailio.Log, Does.Contain("CARRIER ACK over tls"), "the ACK came over the same TLS connection");
            Assert.That(kamailio.Log, Does.Contain("CARRIER BYE over tls"), "and the BYE");
            Assert.That(carrier.LogLines(), Has.Some.StartsWith("IN ").And.Some.StartsWith("OUT "), "the carrier behind Kamailio got the call and its end");
        });
        Assert.That(_server.Edge.Ledger.For("kamailio-tls").InUse, Is.Zero, "the channel returned");
    }

    [Test]
    public async Task TlsTrunk_WithAnUntrustedCertificate_IsProbedDown_AndItsCallsGet503()
    {
        var (tlsPort, udpPort, carrierPort) = (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        await using var kamailio = await StartKamailioAsync(tlsPort, udpPort, carrierPort);
        // No caFile: the system store does not know the test CA, so the handshake must fail.
        await CreateAsync("/api/trunks", $$"""
            {"name":"kamailio-untrusted","channelCap":2,"dialPrefix":"82","tls":{"serverName":"carrier.test"},
             "probe":{"intervalSeconds":1,"timeoutMs":800,"failThreshold":1,"recoverThreshold":1},
             "servers":[{"host":"127.0.0.1","port":{{tlsPort}},"transport":"tls"}]}
            """);
        var state = await Eventually.ReadAsync(() => ServerStateAsync("kamailio-untrusted"), s => s == "down", TimeSpan.FromSeconds(20));
        Assert.That(state, Is.EqualTo("down"));
        Assert.That(kamailio.Log, Does.Not.Contain("CARRIER OPTIONS"), "no request crossed an unverified connection");
        var answer = await SipProbe.InviteFinalAsync(_server.SipPort(), "825550100");
        Assert.That(answer, Does.StartWith("SIP/2.0 503 ").And.Contain("text=\"no healthy server\""));
    }

    [Test]
    public async Task TlsTrunk_WithSkipVerify_IsProbedUp_AndCarriesACall_DespiteAnUntrustedCertificate()
    {
        var (tlsPort, udpPort, carrierPort) = (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        await using var kamailio = await StartKamailioAsync(tlsPort, udpPort, carrierPort);
        // No caFile and no serverName: the system store does not know the test CA and 127.0.0.1 is not carrier.test, yet skipVerify accepts it.
        await CreateAsync("/api/trunks", $$"""
            {"name":"kamailio-skip","channelCap":2,"dialPrefix":"83","tls":{"skipVerify":true},
             "probe":{"intervalSeconds":1,"timeoutMs":800,"failThreshold":1,"recoverThreshold":1},
             "servers":[{"host":"127.0.0.1","port":{{tlsPort}},"transport":"tls"}]}
            """);
        var state = await Eventually.ReadAsync(() => ServerStateAsync("kamailio-skip"), s => s == "up", TimeSpan.FromSeconds(20));
        Assert.That(state, Is.EqualTo("up"), "the probe's handshake skipped the check: " + kamailio.Log);

        var scenario = SippScenario.Load("carrier-behind-proxy", ("contact", $"sip:carrier@127.0.0.1:{Port(tlsPort)};transport=tls"));
        await using var carrier = SippProcess.Start(scenario, ["-i", "127.0.0.1", "-p", Port(carrierPort), "-t", "u1", "-m", "1", "-trace_logs"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(carrierPort), Is.True, "the SIPp carrier listens");
        var dialer = await SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = "835550100" });
        var carrierOutput = await carrier.StopAsync();
        Assert.That(dialer.ExitCode, Is.Zero, dialer.Output + carrierOutput + kamailio.Log);
        Assert.That(kamailio.Log, Does.Contain($"CARRIER INVITE over tls ruri=sip:5550100@127.0.0.1:{Port(tlsPort)};transport=tls"), "the call went over TLS");
    }

    [Test]
    public async Task TlsPhone_RegistersWithDigest_AndReceivesACallOnTheSameConnection()
    {
        var extension = "7" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        await CreateAsync("/api/phones", $$"""{"extension":"{{extension}}","password":"tls-phone-secret"}""");
        await using var phone = await TlsPhone.ConnectAsync(_server.SipPort(SipProtocol.Tls), "edge.test", _pki.Ca);
        Assert.That(phone.EdgeCertificate.Subject, Is.EqualTo("CN=edge.test"), "the edge serves its PEM certificate");
        var registered = await phone.RegisterAsync(extension, "tls-phone-secret", "test.example");
        Assert.That(registered, Does.StartWith("SIP/2.0 200 OK"));
        Assert.That(registered, Does.Contain($"<sips:{extension}@127.0.0.1:{Port(phone.Local.Port)}>"), "the sips: contact was bound");
        var bindings = await (await _admin.GetAsync(new Uri($"/api/registrations?extension={extension}", UriKind.Relative))).JsonAsync();
        Assert.That(bindings[0].GetProperty("source").GetString(), Is.EqualTo($"tls:127.0.0.1:{Port(phone.Local.Port)}"));

        var call = SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = extension });
        var invite = await phone.ReadUntilAsync("INVITE ");
        Assert.That(invite, Does.StartWith($"INVITE sips:{extension}@127.0.0.1:{Port(phone.Local.Port)} SIP/2.0"));
        Assert.That(SipText.Header(invite, "Via"), Does.StartWith("SIP/2.0/TLS 127.0.0.1:" + Port(_server.SipPort(SipProtocol.Tls))));
        await phone.SendAsync(RawSip.Answer(invite, $"127.0.0.1:{Port(phone.Local.Port)};transport=tls")!);
        var ack = await phone.ReadUntilAsync("ACK ");
        var bye = await phone.ReadUntilAsync("BYE ");
        await phone.SendAsync(RawSip.Answer(bye, "")!);
        var result = await call;
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(SipText.Header(ack, "Call-ID"), Is.EqualTo(SipText.Header(invite, "Call-ID")));
    }

    [Test]
    public async Task TlsPhone_ConnectionClosed_RemovesItsBinding_AndCallsToItGet480()
    {
        var extension = "7" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        await CreateAsync("/api/phones", $$"""{"extension":"{{extension}}","password":"tls-phone-secret"}""");
        var phone = await TlsPhone.ConnectAsync(_server.SipPort(SipProtocol.Tls), "edge.test", _pki.Ca);
        await using (phone)
        {
            Assert.That(await phone.RegisterAsync(extension, "tls-phone-secret", "test.example"), Does.StartWith("SIP/2.0 200 OK"));
            await _server.Edge.FlushBindingsAsync(TimeSpan.FromSeconds(5));
            Assert.That(await StoredBindingsAsync(extension), Is.EqualTo(1), "the binding was written behind");
        }
        var left = await Eventually.ReadAsync(async () => (await BindingsAsync(extension)).GetArrayLength(), n => n == 0);
        Assert.That(left, Is.Zero, "the binding went with its TLS connection, long before its 600 s expiry");
        await _server.Edge.FlushBindingsAsync(TimeSpan.FromSeconds(5));
        Assert.That(await StoredBindingsAsync(extension), Is.Zero, "and its removal was written behind");
        Assert.That(await SipProbe.InviteFinalAsync(_server.SipPort(), extension), Does.StartWith("SIP/2.0 480 "), "as for an unregistered extension");
    }

    private async Task<JsonElement> BindingsAsync(string extension) =>
        await (await _admin.GetAsync(new Uri($"/api/registrations?extension={extension}", UriKind.Relative))).JsonAsync();

    private async Task<int> StoredBindingsAsync(string extension)
    {
        await using var connection = await _server.Database!.Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM registrations WHERE extension = @extension", new { extension });
    }
}
