using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// IPv6 end to end (issue 14, RFC 5118): the edge listening on [::1] beside 127.0.0.1, SIPp phones registering and
/// answering over IPv6, a SIPp dialer calling over IPv6, and a trunk server on ::1 carrying the call.
/// </summary>
public sealed class EdgeIpv6Tests
{
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Sip:Listen:2"] = "udp:[::1]:0",
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Edge:DialerAcl:1"] = "::1/128",
        });
        _admin = _server.Client();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private int Ipv6Port => _server.Edge.Bound.First(b => b.Protocol == SipProtocol.Udp && b.Address.AddressFamily == AddressFamily.InterNetworkV6).Address.Port;

    [Test]
    public async Task APhoneRegistersOverIpv6_AndADialerCallOverIpv6_ReachesIt()
    {
        var extension = Random.Shared.Next(30_000_000, 39_999_999).ToString(CultureInfo.InvariantCulture);
        Assert.That((await _admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{extension}}","password":"phone-password"}""")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        var answeringPort = LoopbackPorts.Free();
        var registered = await SippPhone.RunAsync("register", Ipv6Port, new SippPhone.Values
        {
            Extension = extension, Password = "phone-password", ContactPort = answeringPort, LocalIp = "::1", EdgeHost = "[::1]",
        });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);
        var binding = _server.Edge.Location.Lookup(extension).Single();
        Assert.That(binding.Source.Address, Is.EqualTo(IPAddress.IPv6Loopback), "the binding remembers the phone's IPv6 source");

        var phone = SippPhone.RunAsync("phone-answer", null, new SippPhone.Values { LocalPort = answeringPort, LocalIp = "::1" });
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(answeringPort), Is.True, "the phone listens");
        var caller = await SippPhone.RunAsync("dialer-call", Ipv6Port, new SippPhone.Values { Extension = extension, LocalIp = "::1", EdgeHost = "[::1]" });
        Assert.That(caller.ExitCode, Is.Zero, caller.Output);
        var answered = await phone;
        Assert.That(answered.ExitCode, Is.Zero, answered.Output);
    }

    [Test]
    public async Task ATrunkServerOnIpv6Loopback_CarriesADialerCall()
    {
        var port = LoopbackPorts.Free();
        Assert.That((await _admin.PostJsonAsync("/api/trunks",
            $$"""{"name":"carrier-v6","channelCap":5,"dialPrefix":"76","servers":[{"host":"::1","port":{{port}}}]}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        await using var carrier = SippProcess.Start(SippScenario.Load("carrier-answer"), ["-i", "::1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-trace_msg"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the carrier listens");
        var scenario = Path.Combine(Path.GetTempPath(), $"dialer-v6-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(scenario, SippScenario.Load("dialer-load", ("extension", "765550100"), ("hold", "200"), ("campaign", "none")));
        try
        {
            var dialer = await Sipp.RunAsync(["-sf", scenario, "-i", "::1", "-p", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "-t", "u1",
                "-m", "3", "-r", "3", $"[::1]:{Ipv6Port}"], TimeSpan.FromSeconds(30));
            Assert.That(dialer.ExitCode, Is.Zero, dialer.Output);
        }
        finally
        {
            File.Delete(scenario);
        }
        await carrier.StopAsync();
        var log = string.Join("\n", Directory.GetFiles(carrier.Folder, "*_messages.log").Select(File.ReadAllText));
        Assert.That(log, Does.Contain("INVITE sip:5550100@[::1]:" + port.ToString(CultureInfo.InvariantCulture)), "the Request-URI brackets the IPv6 host (RFC 5118 §4.1)");
        Assert.That(log, Does.Contain($"Via: SIP/2.0/UDP [::1]:{Ipv6Port};branch="), "the edge's Via names its own IPv6 address, in brackets");
        Assert.That(log, Does.Contain($"Record-Route: <sip:[::1]:{Ipv6Port};"), "and so does its Record-Route, so in-dialog requests come back over IPv6");
    }
}
