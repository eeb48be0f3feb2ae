using System.CommandLine;
using Dialer.Host.Configuration;
using Dialer.Peers.Storage;

namespace Dialer.Host.Cli;

/// <summary>`dialer migrate`: apply sql/NNN_*.sql in order; an edited applied file is an error.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var sqlDirectory = new Option<string?>("--sql-dir") { Description = "read migrations from this folder instead of the built-in copy" };
        var command = new Command("migrate",
            "apply database migrations (built in; recorded with checksums in schema_version); creates the secrets key file " +
            "when it is missing and no trunk holds a secret\nExample: dialer migrate --config /etc/dialer/dialer.json")
        {
            sqlDirectory,
        };
        command.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var directory = parse.GetValue(sqlDirectory);
            var scripts = directory is null ? MigrationScript.Embedded() : MigrationScript.FromDirectory(directory);
            var applied = await new Migrator(session.Database).ApplyAsync(scripts, cancellationToken);
            foreach (var script in applied)
            {
                Console.WriteLine($"applied {script.Name}");
            }
            Console.WriteLine(applied.Count == 0 ? "database is up to date" : $"{applied.Count} migration(s) applied");
            try
            {
                // The one place besides `dialer serve` that may create the key file (ExecStartPre in the systemd unit).
                await SecretKeys.LoadOrCreateAsync(session.Options.Secrets, session.Database, cancellationToken);
            }
            catch (InvalidOperationException missing)
            {
                await Console.Error.WriteLineAsync($"warning: {missing.Message}");
            }
            return 0;
        }, openRepository: false));
        return command;
    }
}
