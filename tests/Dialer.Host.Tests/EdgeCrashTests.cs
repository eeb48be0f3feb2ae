using System.Globalization;
using System.Net;
using Dapper;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Restart without losing calls (issue "SIP edge, part 3"): dialogs are written behind to MariaDB, so after kill -9 and a
/// restart the live calls' channels are still charged, their BYEs route through the new process (the token in the
/// Record-Route still verifies: its key comes from the secrets key), and a call never ended goes at its dialog timeout.
/// </summary>
public sealed class EdgeCrashTests
{
    private const int Calls = 10;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(3);

    [Test]
    public async Task KillNine_WithTenAnsweredCalls_RestartKeepsThemCharged_ByesRoute_AndTheLastEndsAtItsTimeout()
    {
        await using var database = await TestDatabase.CreateAsync();
        UdpPeer? self = null;
        using var carrier = self = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, self!.HostPort));
        var environment = new Dictionary<string, string>
        {
            ["Dialer__Edge__DialerAcl__0"] = "127.0.0.1/32",
            ["Dialer__Edge__MaxCallSeconds"] = "12",
            ["Dialer__Edge__SnapshotPollMs"] = "100",
            ["Dialer__Health__Enabled"] = "false",
        };
        var first = ServeProcess.Start(database.ConnectionString, ApiServer.SecretsKey, environment);
        Assert.That(await first.WaitHealthyAsync(), Is.True, "dialer serve starts");
        var ports = (first.HttpPort, first.SipPort);
        using (var admin = first.Client())
        {
            var created = await admin.PostJsonAsync("/api/trunks",
                $$"""{"name":"survivor","channelCap":20,"dialPrefix":"79","servers":[{"host":"127.0.0.1","port":{{carrier.Local.Port}}}]}""");
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        using var dialer = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:9"));
        var answered = new List<string>();
        for (var i = 0; i < Calls; i++)
        {
            answered.Add(await AnswerAsync(dialer, first.SipPort, "7900" + i.ToString(CultureInfo.InvariantCulture)));
        }
        Assert.That(await StoredDialogsAsync(database, Calls), Is.EqualTo(Calls), "every answered call is written behind");
        await first.KillAsync();

        await using var second = ServeProcess.Start(database.ConnectionString, ApiServer.SecretsKey, environment, ports);
        Assert.That(await second.WaitHealthyAsync(), Is.True, "the restarted dialer serve starts");
        using var client = second.Client();
        Assert.That(await InUseAsync(client), Is.EqualTo(Calls), "the live calls' channels are still charged");

        foreach (var ok in answered.Take(Calls - 1))
        {
            var seen = dialer.Received.Count;
            await dialer.SendAsync(RawSip.InDialog("BYE", dialer, ok, 2), second.SipPort);
            Assert.That(await dialer.WaitForResponseAsync(200, "BYE", s_wait, seen), Is.Not.Null,
                "the BYE routes through the restarted edge; the dialer got: " + string.Join(" | ", dialer.Received.Skip(seen).Select(m => m.Split("\r\n")[0])));
        }
        Assert.That(await InUseAsync(client), Is.EqualTo(1));
        var inUse = 1;
        for (var i = 0; i < 150 && inUse > 0; i++)
        {
            await Task.Delay(100);
            inUse = await InUseAsync(client);
        }
        Assert.That(inUse, Is.Zero, "the call never ended is released at its dialog timeout");
        await second.StopAsync();
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        var logged = (await connection.QueryAsync<(string Side, long Count)>(
            "SELECT hangup_side, COUNT(*) FROM call_log WHERE trunk = 'survivor' GROUP BY hangup_side")).ToDictionary(r => r.Side, r => r.Count);
        Assert.That(logged, Is.EquivalentTo(new Dictionary<string, long> { ["dialer"] = Calls - 1, ["timeout"] = 1 }), "each call logged once, as it ended");
    }

    private static async Task<string> AnswerAsync(UdpPeer dialer, int edgePort, string number)
    {
        var fromTag = Guid.NewGuid().ToString("N")[..8];
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var seen = dialer.Received.Count;
            await dialer.SendAsync(RawSip.Invite(dialer, edgePort, number, Guid.NewGuid().ToString("N"), fromTag), edgePort);
            var final = await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && !m.StartsWith("SIP/2.0 1", StringComparison.Ordinal)
                && SipText.Tag(SipText.Header(m, "From")!) == fromTag, s_wait, seen);
            if (final?.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) == true)
            {
                await dialer.SendAsync(RawSip.InDialog("ACK", dialer, final, 1), edgePort);
                return final;
            }
            // 404 until the new trunk reaches the edge's snapshot.
            await Task.Delay(100);
        }
        Assert.Fail($"call to {number} was never answered");
        return "";
    }

    private static async Task<long> StoredDialogsAsync(TestDatabase database, int expected)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        long count = 0;
        for (var i = 0; i < 50 && count < expected; i++)
        {
            count = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM edge_dialogs");
            await Task.Delay(count < expected ? 100 : 0);
        }
        return count;
    }

    private static async Task<int> InUseAsync(HttpClient admin)
    {
        var channels = await (await admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync();
        return channels.EnumerateArray().Where(t => t.GetProperty("trunk").GetString() == "survivor").Select(t => t.GetProperty("inUse").GetInt32()).FirstOrDefault();
    }
}
