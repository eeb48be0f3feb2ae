using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Calls to registered extensions through the edge, with SIPp as dialer, carrier and phone.</summary>
public sealed class EdgeCallTests
{
    private ApiServer _server = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        _admin = _server.Client();
        var trunk = await _admin.PostJsonAsync("/api/trunks",
            """{"name":"carrier-in","channelCap":10,"acl":["127.0.0.3/32"],"servers":[{"host":"127.0.0.3","port":5060}]}""");
        Assert.That(trunk.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<string> RegisteredPhoneAsync(int answeringPort)
    {
        var extension = Random.Shared.Next(20_000_000, 29_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That((await _admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{extension}}","password":"phone-password","maxContacts":2}""")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        var registered = await SippPhone.RunAsync("register", _server.SipPort(),
            new SippPhone.Values { Extension = extension, Password = "phone-password", ContactPort = answeringPort });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);
        return extension;
    }

    [TestCase("127.0.0.1", TestName = "DialerCall_ReachesTheRegisteredPhone_AndEndsThroughTheEdge")]
    [TestCase("127.0.0.3", TestName = "CarrierCallFromTheTrunkAcl_ReachesTheRegisteredPhone")]
    public async Task Call_ReachesTheRegisteredPhone(string callerIp)
    {
        var answeringPort = LoopbackPorts.Free();
        var extension = await RegisteredPhoneAsync(answeringPort);
        var phone = SippPhone.RunAsync("phone-answer", null, new SippPhone.Values { LocalPort = answeringPort });
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(answeringPort), Is.True, "the phone listens");
        var caller = await SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = extension, LocalIp = callerIp });
        Assert.That(caller.ExitCode, Is.Zero, caller.Output);
        var answered = await phone;
        Assert.That(answered.ExitCode, Is.Zero, answered.Output);
    }

    [Test]
    public async Task TwoBindings_BothRing_TheFirstAnswerWins_AndTheOtherIsCancelled()
    {
        var answering = LoopbackPorts.Free();
        var ringing = LoopbackPorts.Free();
        var extension = await RegisteredPhoneAsync(answering);
        var second = await SippPhone.RunAsync("register", _server.SipPort(),
            new SippPhone.Values { Extension = extension, Password = "phone-password", ContactPort = ringing });
        Assert.That(second.ExitCode, Is.Zero, second.Output);
        var ringer = SippPhone.RunAsync("phone-ring", null, new SippPhone.Values { LocalPort = ringing });
        var answerer = SippPhone.RunAsync("phone-answer", null, new SippPhone.Values { LocalPort = answering });
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(ringing) && await LoopbackPorts.WaitUdpBoundAsync(answering), Is.True, "both phones listen");
        var caller = await SippPhone.RunAsync("dialer-call", _server.SipPort(), new SippPhone.Values { Extension = extension });
        Assert.That(caller.ExitCode, Is.Zero, caller.Output);
        Assert.That((await answerer).ExitCode, Is.Zero);
        var cancelled = await ringer;
        Assert.That(cancelled.ExitCode, Is.Zero, cancelled.Output);
    }

    [Test]
    public async Task RegisteredPhone_CallsAnotherPhone_AfterProxyDigest()
    {
        var answering = LoopbackPorts.Free();
        var callee = await RegisteredPhoneAsync(answering);
        var callerPort = LoopbackPorts.Free();
        var caller = Random.Shared.Next(30_000_000, 38_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await _admin.PostJsonAsync("/api/phones", "{\"extension\":\"" + caller + "\",\"password\":\"caller-password\"}");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        // The caller registers from 127.0.0.4, outside the dialer ACL: its calls need digest.
        var registered = await SippPhone.RunAsync("register", _server.SipPort(),
            new SippPhone.Values { Extension = caller, Password = "caller-password", LocalIp = "127.0.0.4", LocalPort = callerPort });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);
        var phone = SippPhone.RunAsync("phone-answer", null, new SippPhone.Values { LocalPort = answering });
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(answering), Is.True, "the phone listens");
        var call = await SippPhone.RunAsync("phone-call", _server.SipPort(),
            new SippPhone.Values { Extension = callee, Caller = caller, Password = "caller-password", LocalIp = "127.0.0.4", LocalPort = callerPort });
        Assert.That(call.ExitCode, Is.Zero, call.Output);
        Assert.That((await phone).ExitCode, Is.Zero);
    }

    [Test]
    public async Task BusyPhone_Is486ForTheCaller()
    {
        var port = LoopbackPorts.Free();
        var extension = await RegisteredPhoneAsync(port);
        var phone = SippPhone.RunAsync("phone-busy", null, new SippPhone.Values { LocalPort = port });
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the phone listens");
        var caller = await SippPhone.RunAsync("dialer-busy", _server.SipPort(), new SippPhone.Values { Extension = extension });
        Assert.That(caller.ExitCode, Is.Zero, caller.Output);
        var busy = await phone;
        Assert.That(busy.ExitCode, Is.Zero, busy.Output);
    }

    [Test]
    public async Task CallToAnUnregisteredExtension_Is480()
    {
        Assert.That((await _admin.PostJsonAsync("/api/phones", """{"extension":"39000001","password":"phone-password"}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        Assert.That(await InviteStatusAsync("127.0.0.1", "39000001"), Is.EqualTo(480));
    }

    [Test]
    public async Task CallFromAnAddressOutsideEveryAcl_Is403()
    {
        Assert.That(await InviteStatusAsync("127.0.0.2", "39000001"), Is.EqualTo(403));
    }

    [Test]
    public async Task CallToANumberThatIsNoExtension_Is404()
    {
        Assert.That(await InviteStatusAsync("127.0.0.1", "5551234"), Is.EqualTo(404));
    }

    /// <summary>Sends one INVITE from <paramref name="fromIp"/> and returns the first final status.</summary>
    private async Task<int> InviteStatusAsync(string fromIp, string number)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(fromIp), 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var invite = $"INVITE sip:{number}@127.0.0.1:{_server.SipPort()} SIP/2.0\r\nVia: SIP/2.0/UDP {fromIp}:{port};branch=z9hG4bK{Guid.NewGuid():N};rport\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:dialer@{fromIp}>;tag=1\r\nTo: <sip:{number}@127.0.0.1>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        await socket.SendToAsync(Encoding.ASCII.GetBytes(invite), new IPEndPoint(IPAddress.Loopback, _server.SipPort()));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var text = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
            var status = int.Parse(text.AsSpan(8, 3), System.Globalization.CultureInfo.InvariantCulture);
            if (status >= 200)
            {
                return status;
            }
        }
    }
}
