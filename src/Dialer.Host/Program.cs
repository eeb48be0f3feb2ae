using System.CommandLine;
using Dialer.Host.Cli;

var root = new RootCommand("Dialer: trunk and phone peer manager for outbound call centers\nExample: dialer channels --api http://127.0.0.1:8080");
root.Options.Add(CliOptions.Config);
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(PhoneCommands.Create());
root.Subcommands.Add(TrunkCommands.Create());
root.Subcommands.Add(CampaignCommands.Create());
root.Subcommands.Add(TokenCommands.Create());
root.Subcommands.Add(HealthCommands.Create());
root.Subcommands.Add(ExportCommands.Create());
foreach (var live in LiveCommands.Create())
{
    root.Subcommands.Add(live);
}
// Commands that stop gracefully (serve, campaign run) handle SIGINT/SIGTERM themselves.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
