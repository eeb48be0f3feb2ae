using System.Net;
using System.Text.Json;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// baresip 1.0, a stock softphone with its default settings, against the edge with its default settings (issue "Real
/// softphones"): it registers over UDP, TCP and TLS, answers a dialer's call routed by the edge, calls another extension
/// through the edge's 407, refreshes its registration before expiry and unregisters when it stops.
/// </summary>
public sealed class BaresipTests
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
            // baresip asks for regint (below); the registrar's default minimum of 60 s would make the refresh test slow.
            ["Dialer:Edge:MinExpires"] = "5",
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

    [TestCase("udp")]
    [TestCase("tcp")]
    public async Task Baresip_WithDefaults_Registers(string transport)
    {
        var extension = await PhoneAsync();
        var port = _server.SipPort(transport == "tcp" ? Dialer.Sip.Transport.SipProtocol.Tcp : Dialer.Sip.Transport.SipProtocol.Udp);
        await using var phone = Baresip.Start($"<sip:{extension}@127.0.0.1:{port};transport={transport}>;auth_pass=baresip-password");
        var binding = await BindingAsync(extension, b => b is not null);
        Assert.That(binding, Is.Not.Null, "baresip registered: " + phone.Output);
        Assert.That(binding!.Value.GetProperty("transport").GetString(), Is.EqualTo(transport));
        Assert.That(binding.Value.GetProperty("userAgent").GetString(), Does.StartWith("baresip"));
    }

    [Test]
    public async Task Baresip_AnswersADialerCall_RoutedByTheEdge()
    {
        var extension = await PhoneAsync();
        await using var phone = Baresip.Start($"<sip:{extension}@127.0.0.1:{_server.SipPort()}>;auth_pass=baresip-password;answermode=auto");
        Assert.That(await BindingAsync(extension, b => b is not null), Is.Not.Null, "baresip registered: " + phone.Output);
        var dialer = await SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = extension });
        Assert.That(dialer.ExitCode, Is.Zero, dialer.Output + "\n--- baresip ---\n" + phone.Output);
        Assert.That(phone.Output, Does.Contain("Call established"));
    }

    /// <summary>
    /// baresip with its default digest settings, over TLS to the edge's tls: listener, the test CA given as sip_cafile.
    /// baresip 1.0 (libre 1.1) loads that file but accepts any server certificate (with another CA's file it registers
    /// all the same), so this shows the edge's TLS serving a real phone, not the phone checking the edge.
    /// </summary>
    [Test]
    public async Task Baresip_OverTls_RegistersAndAnswersADialerCall_RoutedByTheEdgeOverTls()
    {
        var extension = await PhoneAsync();
        var port = _server.SipPort(Dialer.Sip.Transport.SipProtocol.Tls);
        await using var phone = Baresip.Start($"<sip:{extension}@127.0.0.1:{port};transport=tls>;auth_pass=baresip-password;answermode=auto",
            config: $"sip_cafile {_pki.CaFile}");
        var binding = await BindingAsync(extension, b => b is not null);
        Assert.That(binding, Is.Not.Null, "baresip registered over TLS: " + phone.Output);
        Assert.That(binding!.Value.GetProperty("transport").GetString(), Is.EqualTo("tls"));
        var dialer = await SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = extension });
        Assert.That(dialer.ExitCode, Is.Zero, dialer.Output + "\n--- baresip ---\n" + phone.Output);
        Assert.That(phone.Output, Does.Contain("Call established"));
        Assert.That(phone.Output, Does.Contain($"Via: SIP/2.0/TLS 127.0.0.1:{port};branch="), "the edge sent the INVITE over the TLS connection: " + phone.Output);
    }

    [Test]
    public async Task Baresip_CallsAnotherExtension_ThroughTheEdge_AnsweringThe407()
    {
        var callee = await PhoneAsync();
        var answering = LoopbackPorts.Free();
        var registered = await SippPhone.RunAsync("register", _server.SipPort(),
            new SippPhone.Values { Extension = callee, Password = "baresip-password", ContactPort = answering });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);
        var answer = SippPhone.RunAsync("phone-answer", null, new SippPhone.Values { LocalPort = answering });
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(answering), Is.True, "the callee listens");

        var caller = await PhoneAsync();
        await using var phone = Baresip.Start($"<sip:{caller}@127.0.0.1:{_server.SipPort()}>;auth_pass=baresip-password");
        Assert.That(await BindingAsync(caller, b => b is not null), Is.Not.Null, "baresip registered: " + phone.Output);
        await phone.CommandAsync("dial", $"sip:{callee}@127.0.0.1:{_server.SipPort()}");
        Assert.That(await phone.WaitForOutputAsync("Call established", TimeSpan.FromSeconds(10)), Is.True, phone.Output);
        Assert.That(phone.Output, Does.Contain("407 Proxy Authentication Required"), "the edge challenged the call");
        await phone.CommandAsync("hangup");
        var answered = await answer;
        Assert.That(answered.ExitCode, Is.Zero, answered.Output + "\n--- baresip ---\n" + phone.Output);
    }

    [Test]
    public async Task Baresip_RefreshesBeforeExpiry_AndUnregistersWhenStopped()
    {
        var extension = await PhoneAsync();
        var phone = Baresip.Start($"<sip:{extension}@127.0.0.1:{_server.SipPort()}>;auth_pass=baresip-password;regint=6");
        try
        {
            Assert.That(await BindingAsync(extension, b => b is not null), Is.Not.Null, "baresip registered: " + phone.Output);
            // Past the first registration's 6 s, the binding is still there only because baresip refreshed it.
            await Task.Delay(TimeSpan.FromSeconds(7.5));
            var refreshed = await BindingAsync(extension, b => b is not null, TimeSpan.Zero);
            Assert.That(refreshed, Is.Not.Null, "refreshed before expiry: " + phone.Output);
            Assert.That(await phone.QuitAsync(TimeSpan.FromSeconds(5)), Is.True, "baresip quits");
            Assert.That(await BindingAsync(extension, b => b is null), Is.Null, "unregistered when stopped: " + phone.Output);
        }
        finally
        {
            await phone.DisposeAsync();
        }
    }

    private async Task<string> PhoneAsync()
    {
        var extension = Random.Shared.Next(40_000_000, 49_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await _admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{extension}}","password":"baresip-password"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        return extension;
    }

    private async Task<JsonElement?> BindingAsync(string extension, Func<JsonElement?, bool> done, TimeSpan? timeout = null) =>
        await Eventually.ReadAsync(async () =>
        {
            var registrations = await (await _admin.GetAsync(new Uri("/api/registrations", UriKind.Relative))).JsonAsync();
            return registrations.EnumerateArray().Where(r => r.GetProperty("extension").GetString() == extension).Select(r => (JsonElement?)r).FirstOrDefault();
        }, done, timeout ?? TimeSpan.FromSeconds(5));
}
