using System.Net;
using System.Text.Json;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// GET /api/health end to end with a call up through a raw UDP carrier (which also answers the probes): the trunk's
/// stored report shows the channel in use now, from the serving edge's ledger, while the stored row keeps its own.
/// </summary>
public sealed class HealthLiveChannelsTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);

    [Test]
    public async Task WithOneCallUp_TheStoredReportShowsTheChannelInUseNow()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Health:Enabled"] = "true",
            // No periodic report during the test: the only one stored is the one the server's first probe writes.
            ["Dialer:Health:ReportIntervalSeconds"] = "3600",
        });
        using var admin = server.Client();
        var port = LoopbackPorts.Free();
        using var carrier = new UdpPeer("127.0.0.1", port, m => RawSip.Answer(m, $"127.0.0.1:{port}"));
        var created = await admin.PostJsonAsync("/api/trunks", $$"""
            {"name":"held","channelCap":3,"dialPrefix":"79","servers":[{"host":"127.0.0.1","port":{{port}}}],
             "probe":{"intervalSeconds":1,"timeoutMs":900,"failThreshold":2,"recoverThreshold":1,"lagMs":1000,"aliveCodes":"200-499"} }
            """);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        // The server going from unknown to up stores a report, before any call.
        var history = await Eventually.ReadAsync(() => HistoryAsync(admin),
            h => h.GetArrayLength() > 0 && h[0].GetProperty("servers")[0].GetProperty("state").GetString() == "up", TimeSpan.FromSeconds(20));
        Assert.That(history.GetArrayLength(), Is.GreaterThan(0), "a report was stored when the probe found the server up");
        var stored = history[0];
        Assert.That(stored.GetProperty("channels").GetProperty("inUse").GetInt32(), Is.Zero);

        using var dialer = new UdpPeer();
        var edge = server.SipPort();
        await dialer.SendAsync(RawSip.Invite(dialer, edge, "795550100", Guid.NewGuid().ToString("N"), "h1"), edge);
        var ok = await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal), s_wait);
        Assert.That(ok, Is.Not.Null, "the call is answered");
        await dialer.SendAsync(RawSip.InDialog("ACK", dialer, ok!, 1), edge);

        var live = await HealthAsync(admin);
        Assert.Multiple(() =>
        {
            Assert.That(live.GetProperty("at").GetString(), Is.EqualTo(stored.GetProperty("at").GetString()), "the stored report");
            Assert.That(live.GetProperty("label").GetString(), Is.EqualTo("healthy"));
            Assert.That(live.GetProperty("channels").GetProperty("inUse").GetInt32(), Is.EqualTo(1), "the call up now");
            Assert.That(live.GetProperty("channels").GetProperty("peak").GetInt32(), Is.EqualTo(1), "at least the channels in use now");
            Assert.That(live.GetProperty("channels").GetProperty("cap").GetInt32(), Is.EqualTo(3));
        });
        Assert.That((await HistoryAsync(admin))[0].GetProperty("channels").GetProperty("inUse").GetInt32(), Is.Zero, "the stored row is as written");

        var seen = dialer.Received.Count;
        await dialer.SendAsync(RawSip.InDialog("BYE", dialer, ok!, 2), edge);
        Assert.That(await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) && m.Contains("BYE", StringComparison.Ordinal), s_wait, seen),
            Is.Not.Null, "the BYE is answered");
        var after = await Eventually.ReadAsync(() => HealthAsync(admin), h => h.GetProperty("channels").GetProperty("inUse").GetInt32() == 0, s_wait);
        Assert.That(after.GetProperty("channels").GetProperty("inUse").GetInt32(), Is.Zero, "the channel came back");
    }

    private static async Task<JsonElement> HealthAsync(HttpClient admin) =>
        (await (await admin.GetAsync(new Uri("/api/health?trunk=held", UriKind.Relative))).JsonAsync()).EnumerateArray().Single();

    private static async Task<JsonElement> HistoryAsync(HttpClient admin) =>
        await (await admin.GetAsync(new Uri("/api/health/history?trunk=held", UriKind.Relative))).JsonAsync();
}
