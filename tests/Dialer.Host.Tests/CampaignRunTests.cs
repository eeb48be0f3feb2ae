using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dapper;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// `dialer campaign run` as a real process against a serving edge and SIPp carriers that answer, answer busy (486)
/// and never answer: recorded outcomes match what the carriers did, the trunk caps hold, an interrupted run resumes
/// without redialling, and malformed lead files are reported by line.
/// </summary>
// Timing-sensitive or CPU-heavy: runs alone, not beside another fixture.
[NonParallelizable]
public sealed class CampaignRunTests
{
    private ApiServer _server = null!;
    private HttpClient _admin = null!;
    private readonly List<SippProcess> _carriers = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        _admin = _server.Client();
        await CarrierTrunkAsync("answers", "71", "carrier-alive.xml", cap: 4);
        await CarrierTrunkAsync("busy", "72", "carrier-busy.xml", cap: 30);
        await CarrierTrunkAsync("rings", "73", "carrier-ring.xml", cap: 30);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (var carrier in _carriers)
        {
            await carrier.DisposeAsync();
        }
        _admin?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task TwoHundredLeads_OutcomesMatchTheCarriers_CapsHold_AndAnInterruptedRunResumesWithoutRedialling()
    {
        await CampaignAsync("c200");
        // At most 3 of c200's calls on "busy" at once, whatever else the trunk has free.
        var allocated = await _admin.PutJsonAsync("/api/campaigns/c200/trunks/busy", """{"reserved":3,"restriction":"MAXIMUM_LIMIT"}""");
        Assert.That(allocated.IsSuccessStatusCode, Is.True, await allocated.Content.ReadAsStringAsync());
        var numbers = Enumerable.Range(0, 120).Select(i => $"71{i:D5}")
            .Concat(Enumerable.Range(0, 40).Select(i => $"72{i:D5}"))
            .Concat(Enumerable.Range(0, 40).Select(i => $"73{i:D5}")).ToList();
        var leads = await LeadFileAsync("phone,name\n" + string.Join('\n', numbers.Select((n, i) => $"{n},Lead {i}")) + "\n");

        // First run: interrupted once 60 calls went out.
        var first = StartRun("c200", leads);
        await WaitForAttemptsAsync("c200", 60, TimeSpan.FromSeconds(30));
        // SIGTERM: handled like SIGINT (Ctrl-C), and never ignored by a background test runner the way SIGINT can be.
        Signal(first.Process, "TERM");
        var (firstExit, firstOutput, firstErrors) = await first.Result;
        Assert.That(firstExit, Is.Zero, firstErrors);
        Assert.That(firstOutput, Does.Contain("stopped; run again to resume"));
        Assert.That(firstErrors, Does.Contain("stopping: no new calls"));
        await using (var connection = await _server.Database!.Database.OpenAsync())
        {
            Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM campaign_leads WHERE campaign = 'c200' AND status = 'dialing'"),
                Is.Zero, "calls in flight finished and were recorded before the run ended");
        }

        // The rerun resumes: every lead ends with exactly one call.
        var (exit, output, errors) = await StartRun("c200", leads).Result;
        Assert.That(exit, Is.Zero, errors);
        Assert.That(output, Does.Contain("200 leads (0 new, 200 already in the campaign)"));
        Assert.That(output, Does.Contain("run finished, every lead done"));
        await using (var connection = await _server.Database!.Database.OpenAsync())
        {
            var perLead = (await connection.QueryAsync<long>("SELECT COUNT(*) FROM campaign_attempts WHERE campaign = 'c200' GROUP BY lead_id")).ToList();
            Assert.That(perLead, Has.Count.EqualTo(200));
            var attempts = (await connection.QueryAsync<(long Lead, string Number, string Outcome, int? Code, string Reason, DateTime Started, DateTime Ended)>(
                "SELECT lead_id, number, outcome, sip_code, reason, started_at, ended_at FROM campaign_attempts WHERE campaign = 'c200' ORDER BY started_at")).ToList();
            var expected = new Dictionary<string, (string, int?)> { ["71"] = ("answered", 200), ["72"] = ("busy", 486), ["73"] = ("no_answer", 487) };
            var twice = attempts.GroupBy(a => a.Lead).Where(g => g.Count() > 1).SelectMany(g => g).Select(Describe);
            Assert.That(twice, Is.Empty, "no lead dialled twice");
            var unlike = attempts.Where(a => (a.Outcome, a.Code) != expected[a.Number[..2]]).Select(Describe);
            Assert.That(unlike, Is.Empty, "each outcome as its carrier did: 71 answers, 72 is busy, 73 rings until the CANCEL");
            var talk = await connection.QueryAsync<long?>("SELECT talk_ms FROM campaign_attempts WHERE campaign = 'c200' AND outcome = 'answered'");
            Assert.That(talk, Is.All.GreaterThanOrEqualTo(150), "answered calls are held for the talk time, then BYE");
        }

        var summary = await (await _admin.GetAsync(new Uri("/api/campaigns/c200/summary", UriKind.Relative))).JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("leads").GetInt32(), Is.EqualTo(200));
            Assert.That(summary.GetProperty("done").GetInt32(), Is.EqualTo(200));
            Assert.That(summary.GetProperty("leadOutcomes").GetProperty("answered").GetInt32(), Is.EqualTo(120));
            Assert.That(summary.GetProperty("leadOutcomes").GetProperty("busy").GetInt32(), Is.EqualTo(40));
            Assert.That(summary.GetProperty("leadOutcomes").GetProperty("no_answer").GetInt32(), Is.EqualTo(40));
            Assert.That(summary.GetProperty("answerRate").GetDouble(), Is.EqualTo(0.6));
            Assert.That(summary.GetProperty("runs").GetInt32(), Is.EqualTo(2));
        });
        var channels = (await (await _admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync()).EnumerateArray()
            .ToDictionary(t => t.GetProperty("trunk").GetString()!);
        Assert.Multiple(() =>
        {
            // The cap (4) is below the dial level (8): the dialer keeps that trunk full and the others busy, and is never refused.
            Assert.That(channels["answers"].GetProperty("peak").GetInt32(), Is.EqualTo(4), "the trunk was kept full, never past its cap");
            Assert.That(channels["answers"].GetProperty("rejected").GetProperty("channelCap").GetInt32(), Is.Zero, "the dialer paced by /api/channels");
            var onBusy = channels["busy"].GetProperty("campaigns").EnumerateArray().Single(c => c.GetProperty("campaign").GetString() == "c200");
            Assert.That(onBusy.GetProperty("peak").GetInt32(), Is.InRange(1, 3), "the MAXIMUM_LIMIT allocation held");
            Assert.That(channels["busy"].GetProperty("rejected").GetProperty("allocation").GetInt32(), Is.Zero);
            Assert.That(channels.Values.Select(t => t.GetProperty("inUse").GetInt32()), Is.All.Zero, "every call ended");
        });
    }

    [Test]
    public async Task BusyLeads_AreCalledAgain_AfterTheCampaignsRetryDelay_UpToItsRetries()
    {
        var created = await _admin.PostJsonAsync("/api/campaigns", """{"name":"crecycle","retries":2,"retryDelaySeconds":1}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var leads = await LeadFileAsync("phone\n7290001\n7290002\n7100900\n");
        var (exit, output, errors) = await StartRun("crecycle", leads, retries: null).Result;
        Assert.That(exit, Is.Zero, errors);
        Assert.That(output, Does.Contain("called again after 1 s, up to 2 times"));
        await using var connection = await _server.Database!.Database.OpenAsync();
        var attempts = (await connection.QueryAsync<(string Number, string Outcome, DateTime Started, DateTime Ended)>(
            "SELECT number, outcome, started_at, ended_at FROM campaign_attempts WHERE campaign = 'crecycle' ORDER BY number, started_at")).ToLookup(a => a.Number);
        Assert.Multiple(() =>
        {
            Assert.That(attempts["7100900"].Select(a => a.Outcome), Is.EqualTo(new[] { "answered" }), "an answered lead is done");
            foreach (var busy in new[] { "7290001", "7290002" })
            {
                var calls = attempts[busy].ToList();
                Assert.That(calls.Select(a => a.Outcome), Is.EqualTo(new[] { "busy", "busy", "busy" }), "the first call and two retries");
                Assert.That(calls.Zip(calls.Skip(1), (a, b) => (b.Started - a.Ended).TotalSeconds), Is.All.GreaterThanOrEqualTo(0.99), "a retry waits the delay");
            }
        });
        var leadRows = await connection.QueryAsync<(string Status, string Outcome, int Attempts)>(
            "SELECT status, outcome, attempts FROM campaign_leads WHERE campaign = 'crecycle' AND number LIKE '72%'");
        Assert.That(leadRows, Is.All.EqualTo(("done", "busy", 3)));
    }

    [Test]
    public async Task MalformedLeadFile_ReportsEachBadRowByLine_AndDialsTheGoodOnes()
    {
        await CampaignAsync("cbad");
        var content = "number,name\n7100777,Good\n71ab,Letters\n,Empty\n7100777,Again\n7" + new string('1', 30) + ",Long\n\"7100888,Unclosed\n";
        var bytes = System.Text.Encoding.UTF8.GetBytes(content).Concat(new byte[] { 0x37, 0x31, 0xff, 0xfe, 0x0a }).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"leads-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, bytes);
        var (exit, output, errors) = await StartRun("cbad", path).Result;
        Assert.That(exit, Is.Zero, errors);
        var name = Path.GetFileName(path);
        Assert.Multiple(() =>
        {
            Assert.That(errors, Does.Contain($"{name} line 3: number '71ab' has characters other than digits"));
            Assert.That(errors, Does.Contain($"{name} line 4: no phone number"));
            Assert.That(errors, Does.Contain($"{name} line 5: number 7100777 already on line 2"));
            Assert.That(errors, Does.Contain($"{name} line 6: number 7{new string('1', 30)} is longer than 20 digits"));
            Assert.That(errors, Does.Contain($"{name} line 7: unbalanced quotes"));
            Assert.That(errors, Does.Contain($"{name} line 8: not valid UTF-8"));
            Assert.That(output, Does.Contain("1 leads (1 new, 0 already in the campaign), 6 rows skipped"));
            Assert.That(output, Does.Contain("run finished, every lead done"));
        });
        File.Delete(path);
    }

    private static string Describe((long Lead, string Number, string Outcome, int? Code, string Reason, DateTime Started, DateTime Ended) a) =>
        $"{a.Number} {a.Outcome} {a.Code} '{a.Reason}' {a.Started:HH:mm:ss.fff}-{a.Ended:HH:mm:ss.fff}";

    private async Task CarrierTrunkAsync(string name, string prefix, string scenario, int cap)
    {
        var port = LoopbackPorts.Free();
        _carriers.Add(SippProcess.Start(SippScenario.Load(Path.GetFileNameWithoutExtension(scenario), ("delay", "1")),
            ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1"]));
        var created = await _admin.PostJsonAsync("/api/trunks", $$"""
            {"name":"{{name}}","channelCap":{{cap}},"dialPrefix":"{{prefix}}","servers":[{"host":"127.0.0.1","port":{{port}}}]}
            """);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
    }

    private async Task CampaignAsync(string name)
    {
        var created = await _admin.PostJsonAsync("/api/campaigns", $$"""{"name":"{{name}}"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
    }

    private static async Task<string> LeadFileAsync(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"leads-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    private async Task WaitForAttemptsAsync(string campaign, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        await using var connection = await _server.Database!.Database.OpenAsync();
        while (DateTime.UtcNow < deadline)
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM campaign_attempts WHERE campaign = @campaign", new { campaign }) >= count)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"fewer than {count} attempts within {within}");
    }

    /// <summary>Starts `dialer campaign run`; <c>retries</c> null leaves out --retries, so the campaign's own lead recycling holds.</summary>
    private (Process Process, Task<(int ExitCode, string Output, string Errors)> Result) StartRun(string campaign, string leads, string? retries = "0")
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "dialer.dll"), "campaign", "run", "--campaign", campaign, "--leads", leads,
            "--edge", $"127.0.0.1:{_server.SipPort()}", "--dial-level", "8", "--agents", "1", "--dial-timeout", "1", "--talk-time", "0.2",
        }.Concat(retries is null ? [] : ["--retries", retries]))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Dialer__Database__ConnectionString"] = _server.Database!.ConnectionString;
        start.Environment["Dialer__Secrets__Key"] = ApiServer.SecretsKey;
        start.Environment["Dialer__Admin__Url"] = _server.Address.ToString();
        start.Environment["DIALER_ADMIN_TOKEN"] = ApiServer.AdminToken;
        var process = Process.Start(start)!;
        return (process, Finish(process));
    }

    private static async Task<(int, string, string)> Finish(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var result = (process.ExitCode, await output, await errors);
        process.Dispose();
        return result;
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill!.WaitForExit();
    }
}
