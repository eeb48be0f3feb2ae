using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dialer.Host.Api;
using Dialer.Peers.Storage;
using static Dialer.Host.Cli.LiveJson;

namespace Dialer.Host.Cli;

/// <summary>
/// `dialer trunk show NAME [--json]`: the trunk's settings from the repository, then its live channels and health from the
/// running `dialer serve` (GET /api/channels, GET /api/health?trunk=). Without a reachable server the settings are still
/// shown and the live part says why it is missing.
/// </summary>
public static class TrunkShowCommand
{
    private static readonly JsonSerializerOptions s_indented = new(ApiJson.Options) { WriteIndented = true };

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "the trunk" };
        var json = new Option<bool>("--json") { Description = "{trunk, channels, health} as JSON (trunk as GET /api/trunks/NAME)" };
        var show = new Command("show",
            "a trunk's settings, its live channels (in use / cap / peak, refusals by cause) and its servers' health\n" +
            "Example: DIALER_TOKEN=$(cat ~/.dialer-token) dialer trunk show carrier-a")
        {
            name, json, AdminClient.Api, AdminClient.TokenFile,
        };
        show.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var trunk = await session.Repository.GetTrunkAsync(parse.GetValue(name)!, cancellationToken)
                ?? throw new PeerNotFoundException($"trunk {parse.GetValue(name)} does not exist");
            var view = TrunkView.Of(trunk);
            var (channels, health, problem) = await LiveAsync(parse, trunk.Name, cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { trunk = view, channels, health, live = problem }, s_indented));
            }
            else
            {
                PrintSettings(view);
                if (channels is { } row)
                {
                    Console.WriteLine();
                    LiveCommands.PrintChannels([row]);
                }
                if (health is { } report)
                {
                    PrintHealth(report);
                }
            }
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync($"live state not shown: {problem}");
            }
            return 0;
        }));
        return show;
    }

    private static async Task<(JsonElement? Channels, JsonElement? Health, string? Problem)> LiveAsync(
        ParseResult parse, string trunk, CancellationToken cancellationToken)
    {
        try
        {
            using var client = AdminClient.From(parse);
            var channels = Items(await client.GetAsync("/api/channels", cancellationToken))
                .FirstOrDefault(c => string.Equals(Text(c, "trunk"), trunk, StringComparison.OrdinalIgnoreCase));
            var health = Items(await client.GetAsync($"/api/health?trunk={Uri.EscapeDataString(trunk)}", cancellationToken)).FirstOrDefault();
            return (channels.ValueKind == JsonValueKind.Undefined ? null : channels, health.ValueKind == JsonValueKind.Undefined ? null : health, null);
        }
        catch (AdminApiException failure)
        {
            return (null, null, failure.Message);
        }
    }

    private static void PrintSettings(TrunkView t)
    {
        var i = CultureInfo.InvariantCulture;
        Table.Print(["setting", "value"],
        [
            ["name", t.Name],
            ["description", t.Description],
            ["active", t.Active ? "yes" : "no"],
            ["channel cap", t.ChannelCap.ToString(i)],
            ["cps cap", t.CpsCap.ToString(i)],
            ["dial prefix", t.DialPrefix],
            ["codecs", string.Join(',', t.Codecs)],
            ["acl", string.Join(' ', t.Acl)],
            ["auth", t.Auth is null ? "none" : $"username {t.Auth.Username} (password stored encrypted)"],
            ["call origin header", t.CallOriginHeader],
            ["r-uri", string.Create(i, $"strip {t.RuriTransform.Strip}, prefix '{t.RuriTransform.Prefix}', params '{t.RuriTransform.Params}'")],
            ["from", $"user '{t.FromUser}', domain '{t.FromDomain}'"],
            ["probe", string.Create(i, $"every {t.Probe.IntervalSeconds} s, timeout {t.Probe.TimeoutMs} ms, down after {t.Probe.FailThreshold}, up after {t.Probe.RecoverThreshold}, lagged over {t.Probe.LagMs} ms, alive {t.Probe.AliveCodes}")],
            ["version", t.Version.ToString(i)],
        ]);
        Console.WriteLine();
        Table.Print(["server", "transport", "scheme", "priority", "weight", "outbound proxy", "dns order", "active"], t.Servers.Select(s => new[]
        {
            s.Port is { } port ? $"{s.Host}:{port.ToString(i)}" : $"{s.Host} (SRV)", s.Transport, s.Scheme,
            s.Priority.ToString(i), s.Weight.ToString(i), s.OutboundProxy.Length == 0 ? "-" : s.OutboundProxy, s.DnsOrder, s.Active ? "yes" : "no",
        }));
    }

    private static void PrintHealth(JsonElement report)
    {
        Console.WriteLine();
        Console.WriteLine($"health: {Text(report, "label")}: {Text(report, "reason")} (at {Time(report, "at")})");
        Table.Print(["server", "state", "cause", "rtt ms", "probes"], Items(report, "servers").Select(s => new[]
        {
            Text(s, "port") == "-" ? Text(s, "host") : $"{Text(s, "host")}:{Text(s, "port")}",
            Text(s, "state"), Text(s, "cause"), Text(s, "rttMs"), Text(s, "probes"),
        }));
    }
}
