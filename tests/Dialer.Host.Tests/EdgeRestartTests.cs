using System.Net;
using Dapper;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Bindings are written behind to MariaDB and come back when the edge restarts.</summary>
public sealed class EdgeRestartTests
{
    [Test]
    public async Task Bindings_ComeBackAfterARestart()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var first = await ApiServer.StartAsync(database.ConnectionString))
        {
            using var admin = first.Client();
            Assert.That((await admin.PostJsonAsync("/api/phones", """{"extension":"8001","password":"restart-password"}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
            await first.WaitForPeersAsync();
            var registered = await SippPhone.RunAsync("register", first.SipPort(), "8001", "restart-password");
            Assert.That(registered.ExitCode, Is.Zero, registered.Output);
            await first.Edge.FlushBindingsAsync(TimeSpan.FromSeconds(5));
        }
        await using var second = await ApiServer.StartAsync(database.ConnectionString);
        using var client = second.Client();
        var registrations = await (await client.GetAsync(new Uri("/api/registrations", UriKind.Relative))).JsonAsync();
        Assert.That(registrations.GetArrayLength(), Is.EqualTo(1));
        Assert.That(registrations[0].GetProperty("extension").GetString(), Is.EqualTo("8001"));
    }

    [Test]
    public async Task Sigterm_LogsEveryLiveCall_AndTheRestartedEdgeUpdatesTheRowWhenTheCallEnds()
    {
        await using var database = await TestDatabase.CreateAsync();
        UdpPeer? self = null;
        using var carrier = self = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, self!.HostPort));
        var port = LoopbackPorts.Free();
        var overrides = new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Sip:Listen:0"] = $"udp:127.0.0.1:{port}",
            ["Dialer:Sip:Listen:1"] = $"tcp:127.0.0.1:{port}",
        };
        using var dialer = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:9"));
        string ok;
        await using (var first = await ApiServer.StartAsync(database.ConnectionString, overrides))
        {
            using var admin = first.Client();
            Assert.That((await admin.PostJsonAsync("/api/trunks",
                $$"""{"name":"sigterm","channelCap":2,"dialPrefix":"74","servers":[{"host":"127.0.0.1","port":{{carrier.Local.Port}}}]}""")).StatusCode,
                Is.EqualTo(HttpStatusCode.Created));
            await first.WaitForPeersAsync();
            await dialer.SendAsync(RawSip.Invite(dialer, port, "7401", Guid.NewGuid().ToString("N"), "st"), port);
            ok = (await dialer.WaitForResponseAsync(200, "INVITE", TimeSpan.FromSeconds(3)))!;
            Assert.That(ok, Is.Not.Null, "the call is answered");
            await dialer.SendAsync(RawSip.InDialog("ACK", dialer, ok, 1), port);
            await first.Edge.FlushDialogsAsync(TimeSpan.FromSeconds(5));
        }
        Assert.That(await HangupSidesAsync(database), Is.EqualTo(new[] { "shutdown" }), "the live call is in the carrier log after SIGTERM");
        await using var second = await ApiServer.StartAsync(database.ConnectionString, overrides);
        await dialer.SendAsync(RawSip.InDialog("BYE", dialer, ok, 2), port);
        Assert.That(await dialer.WaitForResponseAsync(200, "BYE", TimeSpan.FromSeconds(3)), Is.Not.Null, "the restarted edge routes the BYE");
        await second.Edge.FlushCallLogAsync(TimeSpan.FromSeconds(5));
        Assert.That(await HangupSidesAsync(database), Is.EqualTo(new[] { "dialer" }), "the same row, now with how the call ended");
    }

    private static async Task<string[]> HangupSidesAsync(TestDatabase database)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        return [.. await connection.QueryAsync<string>("SELECT hangup_side FROM call_log WHERE trunk = 'sigterm'")];
    }
}
