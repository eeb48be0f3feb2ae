using System.CommandLine;
using Dialer.Host.Api;
using Dialer.Host.Configuration;
using Dialer.Host.Hosting;

namespace Dialer.Host.Cli;

/// <summary>`dialer serve`: the admin API (and later the SIP edge and jobs) until SIGTERM, then exit 0.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "run the admin API, SIP edge and jobs in the foreground");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = DialerConfiguration.Load(parse.GetValue(CliOptions.Config)!);
            var bootstrapToken = Environment.GetEnvironmentVariable(BootstrapToken.Variable);
            await using var app = DialerApp.Build(configuration, bootstrapToken);
            if (string.IsNullOrEmpty(bootstrapToken))
            {
                app.Logger.LogWarning("{Variable} is not set: only tokens stored in the database can use the admin API", BootstrapToken.Variable);
            }
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
