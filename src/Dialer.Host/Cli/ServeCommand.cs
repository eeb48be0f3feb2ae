using System.CommandLine;
using Dialer.Host.Api;
using Dialer.Host.Configuration;
using Dialer.Host.Hosting;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Cli;

/// <summary>`dialer serve`: the admin API, the SIP edge and the jobs until SIGTERM, then exit 0.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve",
            "run the admin API, SIP edge and jobs in the foreground (under systemd: Type=notify); SIGTERM drains and exits 0\n" +
            "Example: DIALER_ADMIN_TOKEN=... dialer serve --config /etc/dialer/dialer.json");
        command.SetAction(async (parse, cancellationToken) =>
        {
            IConfigurationRoot configuration;
            try
            {
                configuration = DialerConfiguration.Load(parse.GetValue(CliOptions.Config));
                var options = DialerConfiguration.Options(configuration);
                // Before anything listens: a missing key with stored secrets is a refusal naming the reason, never a new key.
                await SecretKeys.LoadOrCreateAsync(options.Secrets, new PeerDatabase(options.Database.ConnectionString), options.Cluster.Enabled, cancellationToken);
            }
            catch (Exception failure) when (failure is InvalidOperationException or OptionsValidationException or FileNotFoundException
                || DatabaseErrors.IsFailure(failure))
            {
                await Console.Error.WriteLineAsync($"dialer serve: not starting: {failure.Message}");
                return failure is OptionsValidationException or FileNotFoundException ? 2 : 1;
            }
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
