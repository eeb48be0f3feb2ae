using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dialer.Peers.Health;
using Dialer.Peers.Storage;

namespace Dialer.Host.Cli;

/// <summary>`dialer health report [--trunk NAME] [--json]`: the latest labeled health report of each trunk, from MariaDB.</summary>
public static class HealthCommands
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var trunk = new Option<string?>("--trunk") { Description = "only this trunk" };
        var json = new Option<bool>("--json") { Description = "the reports as JSON, as GET /api/health returns them" };
        var report = new Command("report", "the latest labeled health report of each trunk, from MariaDB\nExample: dialer health report --trunk carrier-a")
        {
            trunk, json,
        };
        report.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var reports = await new HealthStore(session.Database).LatestAsync(parse.GetValue(trunk), cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(reports, s_json));
                return 0;
            }
            if (reports.Count == 0)
            {
                Console.Error.WriteLine("no health report yet: is `dialer serve` running with Dialer:Health:Enabled?");
                return 1;
            }
            Print(reports);
            return 0;
        }));
        return new Command("health", "trunk health\nExample: dialer health report --json") { report };
    }

    private static void Print(IReadOnlyList<HealthReport> reports)
    {
        Table.Print(["trunk", "label", "reason", "channels", "rejected", "at"], reports.Select(r => new[]
        {
            r.Trunk, r.Label, r.Reason,
            string.Create(CultureInfo.InvariantCulture, $"{r.Channels.InUse}/{r.Channels.Cap} (peak {r.Channels.Peak})"),
            r.Rejected.Total.ToString(CultureInfo.InvariantCulture),
            r.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }));
        Console.WriteLine();
        Table.Print(["trunk", "server", "state", "cause", "rtt ms", "p50", "p95", "avail %", "probes"], reports.SelectMany(r => r.Servers.Select(s => new[]
        {
            r.Trunk,
            (s.Port is { } port ? $"{s.Host}:{port.ToString(CultureInfo.InvariantCulture)}" : s.Host) + (s.Transport == "udp" ? "" : "/" + s.Transport),
            s.State, s.Cause, Number(s.RttMs), Number(s.RttP50Ms), Number(s.RttP95Ms), Number(s.Availability),
            s.Probes.ToString(CultureInfo.InvariantCulture),
        })));
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "-";
}
