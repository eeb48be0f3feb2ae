using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Dialer.Campaigns;
using Dialer.Campaigns.Calls;
using Dialer.Campaigns.Leads;
using Dialer.Host.Hosting;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Sip.Transport;

namespace Dialer.Host.Cli;

/// <summary>
/// `dialer campaign run --campaign NAME --leads FILE.csv [--edge HOST:PORT]`: the dialer process. Loads the lead
/// file (bad rows reported by line and skipped), then places the campaign's calls through the edge, shows progress,
/// stores every outcome, and prints the summary. SIGINT stops new calls and lets calls in flight finish; running it
/// again resumes with the leads still pending.
/// </summary>
public static class CampaignRunCommand
{
    public static Command Create()
    {
        var campaign = new Option<string>("--campaign") { Description = "the campaign to run", Required = true };
        var leads = new Option<FileInfo>("--leads") { Description = "CSV lead file: phone/number column, optional name and other columns", Required = true };
        var edge = new Option<string?>("--edge") { Description = "the edge as HOST:PORT (UDP); default: the first Dialer:Sip:Listen address" };
        var cps = new Option<double?>("--cps") { Description = "pace by new calls per second (else by dial level x agents)" };
        var level = new Option<double>("--dial-level") { Description = "calls in flight per available agent", DefaultValueFactory = _ => 1 };
        var agents = new Option<int>("--agents") { Description = "agents available", DefaultValueFactory = _ => 1 };
        var dialTimeout = new Option<int>("--dial-timeout") { Description = "seconds a call may ring before CANCEL (no answer)", DefaultValueFactory = _ => 30 };
        var talk = new Option<double>("--talk-time") { Description = "seconds an answered call is held before BYE", DefaultValueFactory = _ => 5 };
        var retries = new Option<int?>("--retries") { Description = "times a busy, unanswered or failed lead is called again; default: the campaign's retries" };
        var retryDelay = new Option<double?>("--retry-delay") { Description = "seconds before such a lead is called again; default: the campaign's retryDelaySeconds" };
        var run = new Command("run",
            "run the campaign's calls through the edge; Ctrl-C stops new calls and running it again resumes\n" +
            "Example: dialer campaign run --campaign demo --leads etc/demo/leads.csv --dial-level 2 --agents 10")
        {
            campaign, leads, edge, cps, level, agents, dialTimeout, talk, retries, retryDelay,
        };
        run.SetAction((parse, _) => CliSession.RunAsync(parse, async session =>
        {
            // SIGINT or SIGTERM: no new calls; calls in flight finish and are recorded, then the summary.
            using var stopping = new CancellationTokenSource();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stopping.Cancel(); });
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stopping.Cancel(); });
            var stop = stopping.Token;
            var name = parse.GetValue(campaign)!;
            var problems = Problems(parse.GetValue(cps), parse.GetValue(level), parse.GetValue(agents), parse.GetValue(dialTimeout),
                parse.GetValue(talk), parse.GetValue(retries), parse.GetValue(retryDelay));
            var target = Edge(parse.GetValue(edge), session, problems);
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync(problem);
            }
            if (problems.Count > 0)
            {
                return 2;
            }
            var definition = await session.Repository.GetCampaignAsync(name, CancellationToken.None);
            if (definition is not { Active: true })
            {
                await Console.Error.WriteLineAsync(definition is null ? $"campaign {name} does not exist" : $"campaign {name} is not active");
                return 2;
            }
            var store = new CampaignRunStore(session.Database);
            var file = parse.GetValue(leads)!;
            if (!await LoadAsync(store, definition.Name, file))
            {
                return 2;
            }
            var options = new CampaignRunOptions
            {
                Campaign = definition.Name,
                Edge = target!.Value,
                Cps = parse.GetValue(cps),
                DialLevel = parse.GetValue(level),
                Agents = parse.GetValue(agents),
                DialTimeout = TimeSpan.FromSeconds(parse.GetValue(dialTimeout)),
                TalkTime = TimeSpan.FromSeconds(parse.GetValue(talk)),
                Retries = parse.GetValue(retries) ?? definition.Recycling.Retries,
                RetryDelay = TimeSpan.FromSeconds(parse.GetValue(retryDelay) ?? definition.Recycling.DelaySeconds),
                Api = Uri.TryCreate(session.Options.Admin.Url, UriKind.Absolute, out var api) ? api : null,
                ApiToken = Environment.GetEnvironmentVariable("DIALER_ADMIN_TOKEN"),
            };
            var outcome = await RunAsync(store, definition, options, stop);
            PrintSummary(await store.SummaryAsync(definition.Name, CancellationToken.None), outcome);
            return 0;
        }));
        return run;
    }

    private static async Task<bool> LoadAsync(CampaignRunStore store, string campaign, FileInfo file)
    {
        LeadFile.Result read;
        try
        {
            read = await LeadFile.ReadAsync(file.FullName);
        }
        catch (IOException error)
        {
            await Console.Error.WriteLineAsync($"{file.Name}: {error.Message}");
            return false;
        }
        foreach (var problem in read.Problems)
        {
            await Console.Error.WriteLineAsync($"{file.Name} {problem} (skipped)");
        }
        var added = await store.AddLeadsAsync(campaign, read.Leads.Select(l => (l.Line, l.Number, l.Name,
            l.Fields.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(l.Fields))), CancellationToken.None);
        Console.WriteLine($"{file.Name}: {read.Leads.Count} leads ({added} new, {read.Leads.Count - added} already in the campaign), {read.Problems.Count} rows skipped");
        var interrupted = await store.CloseInterruptedAsync(campaign, CancellationToken.None);
        if (interrupted > 0)
        {
            Console.WriteLine($"{interrupted} leads were being dialled when an earlier run died: recorded as failed, not redialled");
        }
        return true;
    }

    private static async Task<string> RunAsync(CampaignRunStore store, Campaign campaign, CampaignRunOptions options, CancellationToken stop)
    {
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var local = IPAddress.IsLoopback(options.Edge.Address.Address) ? options.Edge.Address.Address
            : options.Edge.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        await using var dialer = new SipDialer(options.Edge, local, TimeProvider.System);
        using var allowance = new ChannelAllowance(ChannelAllowance.Client(options.Api, options.ApiToken), campaign.Name, TimeProvider.System);
        var progress = new RunProgress(Console.Out, !Console.IsOutputRedirected, TimeProvider.System);
        var runner = new CampaignRunner(store, dialer, allowance, progress, options, TimeProvider.System, loggers.CreateLogger<CampaignRunner>());
        var pacing = options.Cps is { } cps ? $"{cps} calls/s" : $"dial level {options.DialLevel} x {options.Agents} agents";
        var recycling = options.Retries == 0 ? "no retries" : $"busy, unanswered and failed leads called again after {options.RetryDelay.TotalSeconds:0.#} s, up to {options.Retries} times";
        Console.WriteLine($"campaign {campaign.Name}: calling through {options.Edge} from {dialer.Local}, {pacing}; {recycling}; Ctrl-C stops new calls");
        using var stopping = stop.Register(() => Console.Error.WriteLine("\nstopping: no new calls; calls in flight finish and are recorded"));
        var outcome = await runner.RunAsync(stop);
        if (allowance.Problem is { } problem)
        {
            Console.Error.WriteLine($"channel counters not used: {problem}");
        }
        return outcome;
    }

    private static List<string> Problems(double? cps, double level, int agents, int dialTimeout, double talk, int? retries, double? retryDelay)
    {
        var problems = new List<string>();
        if (cps is <= 0 or > 1000)
        {
            problems.Add("--cps must be more than 0 and at most 1000");
        }
        if (level is <= 0 or > 100)
        {
            problems.Add("--dial-level must be more than 0 and at most 100");
        }
        if (agents is < 1 or > 10_000)
        {
            problems.Add("--agents must be between 1 and 10000");
        }
        if (dialTimeout is < 1 or > 300)
        {
            problems.Add("--dial-timeout must be between 1 and 300 seconds");
        }
        if (talk is < 0 or > 86_400)
        {
            problems.Add("--talk-time must be between 0 and 86400 seconds");
        }
        if (retries is < 0 or > 100)
        {
            problems.Add("--retries must be between 0 and 100");
        }
        if (retryDelay is < 0 or > 604_800)
        {
            problems.Add("--retry-delay must be between 0 and 604800 seconds");
        }
        return problems;
    }

    private static SipEndpoint? Edge(string? text, CliSession session, List<string> problems)
    {
        if (text is null)
        {
            var listen = session.Options.Sip.Listen.Count == 0 ? [.. EdgeSettingsFactory.DefaultListen] : session.Options.Sip.Listen;
            foreach (var entry in listen)
            {
                if (SipListenAddress.TryParse(entry, out var address) && address.Protocol == SipProtocol.Udp)
                {
                    var ip = address.Address.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : address.Address.Address;
                    return new SipEndpoint(SipProtocol.Udp, new IPEndPoint(ip, address.Address.Port));
                }
            }
            problems.Add("no UDP address in Dialer:Sip:Listen: give --edge HOST:PORT");
            return null;
        }
        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            var host = text[..colon].Trim('[', ']');
            var ip = IPAddress.TryParse(host, out var parsed) ? parsed
                : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            if (ip is not null)
            {
                return new SipEndpoint(SipProtocol.Udp, new IPEndPoint(ip, port));
            }
        }
        problems.Add($"--edge '{text}' must be HOST:PORT with a host that resolves");
        return null;
    }

    private static void PrintSummary(CampaignSummary summary, string outcome)
    {
        static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";
        Console.WriteLine($"campaign {summary.Campaign}: run {(outcome == "done" ? "finished, every lead done" : "stopped; run again to resume")}");
        Table.Print(["outcome", "leads", "attempts"], LeadOutcome.All.Select(o => new[]
        {
            o, summary.LeadOutcomes.GetValueOrDefault(o).ToString(CultureInfo.InvariantCulture),
            summary.AttemptOutcomes.GetValueOrDefault(o).ToString(CultureInfo.InvariantCulture),
        }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"leads {summary.Leads} (pending {summary.Pending}, done {summary.Done}); attempts {summary.Attempts}; answer rate {Percent(summary.AnswerRate)}; " +
            $"average setup {(summary.AverageSetupMs is { } s ? $"{s:0} ms" : "-")}; achieved {(summary.AchievedCps is { } c ? $"{c:0.00} calls/s" : "-")}; " +
            $"shortage {summary.Shortage}"));
    }
}
