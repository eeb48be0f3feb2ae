using System.Globalization;
using System.Net;
using System.Text.Json;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>The live-state verbs (`dialer calls`, `channels`, `registrations`, `trunk show`) against a running server with calls up and a phone registered.</summary>
public sealed class CliLiveTests
{
    [Test]
    public async Task LiveVerbs_ShowTheCallItsChannelAndTheTrunk_AsTablesAndJson()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
        });
        using var admin = server.Client();
        var port = LoopbackPorts.Free();
        var created = await admin.PostJsonAsync("/api/trunks",
            $$"""{"name":"live-a","channelCap":2,"dialPrefix":"75","servers":[{"host":"127.0.0.1","port":{{port}}}]}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        await using var carrier = SippProcess.Start(SippScenario.Load("carrier-answer"), ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the carrier listens");
        await using var dialer = SippProcess.Start(SippScenario.Load("dialer-load", ("extension", "755550000"), ("hold", "30000"), ("campaign", "none")),
            ["-i", "127.0.0.1", "-p", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "-t", "u1", "-m", "1", $"127.0.0.1:{server.SipPort()}"]);
        for (var i = 0; i < 100 && server.Edge.Dialogs.Live().Count == 0; i++)
        {
            await Task.Delay(100);
        }

        var environment = Environment(server);
        var api = server.Address.ToString();
        var calls = await DialerCli.RunAsync(environment, "calls", "--api", api, "--json");
        Assert.That(calls.ExitCode, Is.Zero, calls.Error);
        var call = JsonDocument.Parse(calls.Output).RootElement.EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(call.GetProperty("kind").GetString(), Is.EqualTo("trunk"));
            Assert.That(call.GetProperty("trunk").GetString(), Is.EqualTo("live-a"));
            Assert.That(call.GetProperty("number").GetString(), Does.Contain("755550000").Or.Contain("5550000"));
            Assert.That(call.GetProperty("caller").GetString(), Does.StartWith("udp:127.0.0.1:"));
        });
        var table = await DialerCli.RunAsync(environment, "calls", "--api", api);
        Assert.That(table.Output, Does.StartWith("id ").And.Contain("live-a").And.Contain("1 live call(s)"));

        var channels = await DialerCli.RunAsync(environment, "channels", "--api", api);
        Assert.That(channels.ExitCode, Is.Zero, channels.Error);
        var row = channels.Output.Split('\n').Single(l => l.StartsWith("live-a ", StringComparison.Ordinal));
        Assert.That(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..4], Is.EqualTo(new[] { "1", "2", "1" }), "in use, cap, peak");
        var channelsJson = await DialerCli.RunAsync(environment, "channels", "--api", api, "--json");
        Assert.That(JsonDocument.Parse(channelsJson.Output).RootElement.EnumerateArray().Single().GetProperty("inUse").GetInt32(), Is.EqualTo(1));

        var registrations = await DialerCli.RunAsync(environment, "registrations", "--api", api);
        Assert.That(registrations.ExitCode, Is.Zero, registrations.Error);
        Assert.That(registrations.Output, Does.StartWith("extension"));

        var show = await DialerCli.RunAsync(environment, "trunk", "show", "live-a", "--api", api);
        Assert.That(show.ExitCode, Is.Zero, show.Error);
        Assert.That(show.Output, Does.Contain("channel cap").And.Contain("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)).And.Contain("health:"));
        Assert.That(show.Output.Split('\n').Any(l => l.StartsWith("live-a ", StringComparison.Ordinal)), Is.True, "the live channel row");
        var serverRow = show.Output.Split('\n').First(l => l.StartsWith("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.That(show.Output, Does.Contain("dns order"));
        Assert.That(serverRow, Does.Contain(" rfc3263 "), "each server's dnsOrder");
        var showJson = await DialerCli.RunAsync(environment, "trunk", "show", "live-a", "--api", api, "--json");
        var shown = JsonDocument.Parse(showJson.Output).RootElement;
        Assert.That(shown.GetProperty("trunk").GetProperty("channelCap").GetInt32(), Is.EqualTo(2));
        Assert.That(shown.GetProperty("channels").GetProperty("inUse").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Registrations_ShowAPhoneRegisteredWithDigest_AsATableAndJson()
    {
        await using var server = await ApiServer.StartAsync();
        using var admin = server.Client();
        var created = await admin.PostJsonAsync("/api/phones", """{"extension":"4711","password":"cli-live-password"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        var phonePort = LoopbackPorts.Free();
        var registered = await SippPhone.RunAsync("register", server.SipPort(),
            new SippPhone.Values { Extension = "4711", Password = "cli-live-password", Expires = 600, LocalPort = phonePort });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);

        var environment = Environment(server);
        var api = server.Address.ToString();
        var table = await DialerCli.RunAsync(environment, "registrations", "--api", api);
        Assert.That(table.ExitCode, Is.Zero, table.Error);
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("extension  contact"));
        var row = lines.Single(l => l.StartsWith("4711 ", StringComparison.Ordinal));
        var port = phonePort.ToString(CultureInfo.InvariantCulture);
        Assert.That(row, Does.Contain($"sip:4711@127.0.0.1:{port}").And.Contain($"udp:127.0.0.1:{port}").And.Contain("SIPp phone"));
        Assert.That(row, Does.Match(@" (59\d|600) s "), "expires in");

        var json = await DialerCli.RunAsync(environment, "registrations", "--api", api, "--json");
        Assert.That(json.ExitCode, Is.Zero, json.Error);
        var binding = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(binding.GetProperty("extension").GetString(), Is.EqualTo("4711"));
            Assert.That(binding.GetProperty("contact").GetString(), Does.StartWith($"sip:4711@127.0.0.1:{port}"));
            Assert.That(binding.GetProperty("source").GetString(), Is.EqualTo($"udp:127.0.0.1:{port}"));
            Assert.That(binding.GetProperty("expiresIn").GetInt32(), Is.InRange(590, 600));
        });
    }

    [Test]
    public async Task Channels_ShowACampaignShortOfChannels_AndTheCauseOnItsTrunk()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
        });
        using var admin = server.Client();
        var port = LoopbackPorts.Free();
        using var carrier = new UdpPeer("127.0.0.1", port, m => RawSip.Answer(m, $"127.0.0.1:{port}"));
        Assert.That((await admin.PostJsonAsync("/api/trunks",
            $$"""{"name":"short-a","channelCap":5,"dialPrefix":"78","servers":[{"host":"127.0.0.1","port":{{port}}}]}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await admin.PostJsonAsync("/api/campaigns",
            """{"name":"strict","allocations":[{"trunk":"short-a","reserved":1,"restriction":"MAXIMUM_LIMIT"}]}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        // Two calls for the campaign: the first takes its one reserved channel and stays up, the second is refused.
        using var dialer = new UdpPeer();
        var edge = server.SipPort();
        await dialer.SendAsync(RawSip.Invite(dialer, edge, "785550001", Guid.NewGuid().ToString("N"), "s1", 1, "X-Dialer-Campaign: strict"), edge);
        var ok = await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.That(ok, Is.Not.Null, "the first call is answered");
        await dialer.SendAsync(RawSip.InDialog("ACK", dialer, ok!, 1), edge);
        await dialer.SendAsync(RawSip.Invite(dialer, edge, "785550002", Guid.NewGuid().ToString("N"), "s2", 1, "X-Dialer-Campaign: strict"), edge);
        var refused = await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 503 ", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.That(refused, Does.Contain("text=\"allocation\""), "the second is refused by the allocation");

        var environment = Environment(server);
        var api = server.Address.ToString();
        var channels = await DialerCli.RunAsync(environment, "channels", "--api", api);
        Assert.That(channels.ExitCode, Is.Zero, channels.Error);
        var lines = channels.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var trunk = Cells(lines.Single(l => l.StartsWith("short-a ", StringComparison.Ordinal)));
        Assert.That(trunk[1..5], Is.EqualTo(new[] { "1", "5", "1", "1" }), "in use, cap, peak, admitted");
        Assert.That(trunk[9], Is.EqualTo("1"), "rejected for the allocation");
        Assert.That(lines, Has.Some.Match("^campaign +trunk +in use +peak +admitted +wanted +shortage$"), "the campaign table");
        Assert.That(Cells(lines.Single(l => l.StartsWith("strict ", StringComparison.Ordinal))), Is.EqualTo(new[] { "strict", "short-a", "1", "1", "1", "2", "1" }),
            "campaign, trunk, in use, peak, admitted, wanted, shortage");
        Assert.That(lines, Does.Contain("shortage: campaign strict wanted 1 more call(s) on short-a than it got; causes on the trunk: allocation 1"));

        var json = await DialerCli.RunAsync(environment, "channels", "--api", api, "--json");
        var row = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().Single();
        Assert.That(row.GetProperty("rejected").GetProperty("allocation").GetInt64(), Is.EqualTo(1));
        var campaign = row.GetProperty("campaigns").EnumerateArray().Single();
        Assert.That((campaign.GetProperty("campaign").GetString(), campaign.GetProperty("wanted").GetInt64(), campaign.GetProperty("shortage").GetInt64()),
            Is.EqualTo(("strict", 2L, 1L)));
    }

    [Test]
    public async Task LiveVerbs_TakeTheTokenFromAFile_AndSayWhyWhenRefusedOrUnreachable()
    {
        await using var server = await ApiServer.StartAsync();
        using var admin = server.Client();
        var created = await admin.PostJsonAsync("/api/tokens", """{"name":"noc","role":"viewer"}""");
        var viewer = (await created.JsonAsync()).GetProperty("token").GetString()!;
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, viewer + "\n");
            var environment = new Dictionary<string, string> { ["DIALER_TOKEN"] = "", ["DIALER_ADMIN_TOKEN"] = "" };
            var calls = await DialerCli.RunAsync(environment, "calls", "--api", server.Address.ToString(), "--token-file", file);
            Assert.That(calls.ExitCode, Is.Zero, calls.Error);
            Assert.That(calls.Output, Does.Contain("0 live call(s)"));
            var none = await DialerCli.RunAsync(environment, "calls", "--api", server.Address.ToString());
            Assert.That(none.ExitCode, Is.EqualTo(1));
            Assert.That(none.Error, Does.Contain("DIALER_TOKEN").And.Contain("--token-file"));
            environment["DIALER_TOKEN"] = "wrong-token";
            var refused = await DialerCli.RunAsync(environment, "channels", "--api", server.Address.ToString());
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.Error, Does.Contain("401"));
            var unreachable = await DialerCli.RunAsync(environment, "registrations", "--api", $"http://127.0.0.1:{LoopbackPorts.Free()}");
            Assert.That(unreachable.ExitCode, Is.EqualTo(1));
            Assert.That(unreachable.Error, Does.Contain("cannot reach `dialer serve`"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static Dictionary<string, string> Environment(ApiServer server) => new()
    {
        ["DIALER_TOKEN"] = ApiServer.AdminToken,
        ["Dialer__Database__ConnectionString"] = server.Database!.ConnectionString,
        ["Dialer__Secrets__Key"] = ApiServer.SecretsKey,
    };
}
