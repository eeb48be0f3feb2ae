using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using static Dialer.Host.Cli.LiveJson;

namespace Dialer.Host.Cli;

/// <summary>
/// `dialer registrations`, `dialer channels` and `dialer calls`: the live state of a running `dialer serve`, read over its
/// admin API (the state lives in that process), as `kamctl ul show` and `pjsip show contacts` do for theirs.
/// </summary>
public static class LiveCommands
{
    public static IEnumerable<Command> Create() => [Registrations(), Channels(), Calls()];

    /// <summary>A live verb: --api, --token-file and --json, and one action over the API.</summary>
    public static Command Verb(string name, string description, string example, Func<ParseResult, AdminClient, bool, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var json = new Option<bool>("--json") { Description = "print the API's JSON instead of a table" };
        var command = new Command(name, $"{description}\nExample: {example}") { json, AdminClient.Api, AdminClient.TokenFile };
        command.SetAction((parse, _) => AdminClient.RunAsync(parse, client => action(parse, client, parse.GetValue(json))));
        return command;
    }

    private static Command Registrations() => Verb("registrations",
        "live phone bindings of the running edge (GET /api/registrations), like `kamctl ul show`",
        "DIALER_TOKEN=$(cat ~/.dialer-token) dialer registrations --api http://127.0.0.1:8080",
        async (_, client, json) =>
        {
            var bindings = await client.GetAsync("/api/registrations", CancellationToken.None);
            if (json)
            {
                Console.WriteLine(AdminClient.Indented(bindings));
                return 0;
            }
            Table.Print(["extension", "contact", "source", "expires in", "user agent", "q"], Items(bindings).Select(b => new[]
            {
                Text(b, "extension"), Text(b, "contact"), Text(b, "source"), Text(b, "expiresIn") + " s", Text(b, "userAgent"), Text(b, "q"),
            }));
            return 0;
        });

    private static Command Channels() => Verb("channels",
        "channels per trunk and per campaign: in use / cap / peak, calls refused by cause, and each campaign's shortage with its causes " +
        "(GET /api/channels)",
        "dialer channels --json",
        async (_, client, json) =>
        {
            var trunks = await client.GetAsync("/api/channels", CancellationToken.None);
            if (json)
            {
                Console.WriteLine(AdminClient.Indented(trunks));
                return 0;
            }
            PrintChannels([.. Items(trunks)]);
            return 0;
        });

    /// <summary>The trunk table, the campaign table, and one line per campaign short of channels naming the causes.</summary>
    public static void PrintChannels(IReadOnlyList<JsonElement> trunks)
    {
        ArgumentNullException.ThrowIfNull(trunks);
        Table.Print(["trunk", "in use", "cap", "peak", "admitted", "free", "cps", "rejected: cap", "cps", "allocation", "no server", "active"],
            trunks.Select(t =>
            {
                var rejected = t.TryGetProperty("rejected", out var r) ? r : default;
                return new[]
                {
                    Text(t, "trunk"), Text(t, "inUse"), Text(t, "cap"), Text(t, "peak"), Text(t, "admitted"), Text(t, "available"),
                    Text(t, "cpsCap"), Count(rejected, "channelCap"), Count(rejected, "cpsCap"), Count(rejected, "allocation"),
                    Count(rejected, "noServer"), Text(t, "active"),
                };
            }));
        var campaigns = trunks.SelectMany(t => Items(t, "campaigns").Select(c => (Trunk: t, Campaign: c))).ToList();
        if (campaigns.Count == 0)
        {
            return;
        }
        Console.WriteLine();
        Table.Print(["campaign", "trunk", "in use", "peak", "admitted", "wanted", "shortage"], campaigns.Select(row => new[]
        {
            Text(row.Campaign, "campaign"), Text(row.Trunk, "trunk"), Text(row.Campaign, "inUse"), Text(row.Campaign, "peak"),
            Text(row.Campaign, "admitted"), Text(row.Campaign, "wanted"), Text(row.Campaign, "shortage"),
        }));
        foreach (var (trunk, campaign) in campaigns.Where(row => Number(row.Campaign, "shortage") > 0))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"shortage: campaign {Text(campaign, "campaign")} wanted {Number(campaign, "shortage")} more call(s) on {Text(trunk, "trunk")} than it got; causes on the trunk: {Causes(trunk)}"));
        }
    }

    private static string Count(JsonElement rejected, string cause) =>
        rejected.ValueKind == JsonValueKind.Object ? Number(rejected, cause).ToString(CultureInfo.InvariantCulture) : "-";

    private static string Causes(JsonElement trunk)
    {
        if (!trunk.TryGetProperty("rejected", out var rejected) || rejected.ValueKind != JsonValueKind.Object)
        {
            return "none recorded";
        }
        var causes = new (string Field, string Words)[]
        {
            ("channelCap", "channel cap"), ("cpsCap", "CPS cap"), ("allocation", "allocation"), ("noServer", "no healthy server"),
        }.Where(c => Number(rejected, c.Field) > 0).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Words} {Number(rejected, c.Field)}")).ToList();
        return causes.Count == 0 ? "none recorded (the dialer held back)" : string.Join(", ", causes);
    }

    private static Command Calls() => Verb("calls",
        "live calls (dialogs) through the edge: kind, state, trunk, campaign, number, caller, times (GET /api/calls)",
        "dialer calls --api http://10.0.0.5:8080 --token-file /etc/dialer/viewer.token",
        async (_, client, json) =>
        {
            var calls = await client.GetAsync("/api/calls", CancellationToken.None);
            if (json)
            {
                Console.WriteLine(AdminClient.Indented(calls));
                return 0;
            }
            var rows = Items(calls).ToList();
            Table.Print(["id", "call-id", "kind", "state", "trunk", "campaign", "number", "caller", "started", "answered", "ends"], rows.Select(c => new[]
            {
                Text(c, "id"), Text(c, "callId"), Text(c, "kind"), Text(c, "state"), Text(c, "trunk"), Text(c, "campaign"),
                Text(c, "number"), Text(c, "caller"), Time(c, "createdAt"), Time(c, "confirmedAt"), Time(c, "expiresAt"),
            }));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} live call(s)"));
            return 0;
        });
}
