using System.CommandLine;
using Dialer.Host.Configuration;

namespace Dialer.Host.Cli;

/// <summary>Options every verb shares.</summary>
public static class CliOptions
{
    public static readonly Option<string?> Config = new("--config")
    {
        Description = "configuration file (default: " + DialerConfiguration.InstalledPath + ", else etc/dialer.json beside the executable); " +
            "environment variables such as Dialer__Database__ConnectionString override it",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "print JSON instead of a table" };
}
