using System.Globalization;
using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>A dialer killed mid-call never sends BYE: the channel returns when the dialog times out.</summary>
public sealed class EdgeDialogTimeoutTests
{
    [Test]
    public async Task LostBye_ChannelReturnsAfterTheDialogTimeout()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Edge:MaxCallSeconds"] = "2",
        });
        using var admin = server.Client();
        var port = LoopbackPorts.Free();
        var created = await admin.PostJsonAsync("/api/trunks", $$"""{"name":"single","channelCap":1,"dialPrefix":"75","servers":[{"host":"127.0.0.1","port":{{port}}}]}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        await using var carrier = SippProcess.Start(SippScenario.Load("carrier-answer"), ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-trace_logs"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the carrier listens");
        var dialerScenario = SippScenario.Load("dialer-load", ("extension", "755550000"), ("hold", "30000"), ("campaign", "none"));
        var dialer = SippProcess.Start(dialerScenario, ["-i", "127.0.0.1", "-p", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "-t", "u1",
            "-m", "1", $"127.0.0.1:{server.SipPort()}"]);
        for (var i = 0; i < 50 && CarrierLog.Concurrency(carrier.LogLines()).Calls == 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.That(await InUseAsync(admin), Is.EqualTo(1), "the call is up");
        await dialer.DisposeAsync();
        var inUse = 1;
        for (var i = 0; i < 40 && inUse > 0; i++)
        {
            await Task.Delay(100);
            inUse = await InUseAsync(admin);
        }
        Assert.That(inUse, Is.Zero, "the dialog timeout gave the channel back");
    }

    private static async Task<int> InUseAsync(HttpClient admin)
    {
        var channels = await (await admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync();
        return channels.EnumerateArray().Single(t => t.GetProperty("trunk").GetString() == "single").GetProperty("inUse").GetInt32();
    }
}
