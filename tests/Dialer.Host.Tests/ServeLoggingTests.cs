using System.Text.Json;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>`dialer serve`'s console log as the systemd unit runs it: Logging:Console:FormatterName=json gives JSON lines.</summary>
public sealed class ServeLoggingTests
{
    [Test]
    public async Task UnderSystemd_TheJsonFormatterFromTheEnvironment_WritesOneJsonObjectPerLine()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var systemd = new FakeSystemd();
        var serve = ServeProcess.Start(database.ConnectionString, Convert.ToBase64String(TestKeys.NewKey()), new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["Dialer__Health__Enabled"] = "false",
        }, parent: systemd.Command);
        await using (serve)
        {
            Assert.That(await serve.WaitHealthyAsync(), Is.True, "dialer serve answers /healthz");
            var (exitCode, output, errors) = await serve.StopAsync();
            Assert.That(exitCode, Is.Zero, errors);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Is.Not.Empty);
            var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            // SystemdLifetime's words (ConsoleLifetime says "Press Ctrl+C"): the process was taken for a systemd service.
            var started = entries.Single(e => e.GetProperty("Message").GetString()!.StartsWith("Application started. Hosting environment:", StringComparison.Ordinal));
            Assert.That(started.GetProperty("Category").GetString(), Is.EqualTo("Microsoft.Hosting.Lifetime"));
            Assert.That(started.GetProperty("LogLevel").GetString(), Is.EqualTo("Information"));
            var snapshot = entries.First(e => e.GetProperty("EventId").GetInt32() == 2201);
            Assert.That(snapshot.GetProperty("State").GetProperty("Trunks").GetInt32(), Is.Zero, "the message's values are fields of their own");
        }
    }
}
