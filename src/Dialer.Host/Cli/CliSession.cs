using System.CommandLine;
using Dialer.Host.Configuration;
using Dialer.Peers.Security;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Cli;

/// <summary>
/// What an admin verb works with: the same repository and validator the API uses, and one place that turns
/// failures into messages and exit codes (2 bad input, 1 anything else).
/// </summary>
public sealed class CliSession
{
    private CliSession(DialerOptions options)
    {
        Options = options;
        Database = new PeerDatabase(options.Database.ConnectionString);
        Repository = new PeerRepository(Database, new SecretProtector(SecretKey.Load(options.Secrets.Key, options.Secrets.KeyFile)));
        Defaults = new PeerDefaults(options.Sip.Realm);
    }

    public DialerOptions Options { get; }
    public PeerDatabase Database { get; }
    public PeerRepository Repository { get; }
    public PeerDefaults Defaults { get; }
    public const string Actor = "cli";

    /// <summary>Runs a verb with a session; prints failures to stderr.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<CliSession, Task<int>> verb)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(verb);
        var error = Console.Error;
        try
        {
            var configuration = DialerConfiguration.Load(parse.GetValue(CliOptions.Config)!);
            return await verb(new CliSession(DialerConfiguration.Options(configuration)));
        }
        catch (PeerValidationException invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
            {
                await error.WriteLineAsync($"{field}: {string.Join("; ", messages)}");
            }
            return 2;
        }
        catch (Exception failure) when (failure is PeerNotFoundException or PeerConflictException or VersionMismatchException
            or MigrationException or OptionsValidationException or FileNotFoundException or InvalidOperationException)
        {
            await error.WriteLineAsync(failure.Message);
            return failure is OptionsValidationException or FileNotFoundException ? 2 : 1;
        }
        catch (Exception failure) when (DatabaseErrors.IsFailure(failure))
        {
            await error.WriteLineAsync($"database: {failure.Message}");
            return 1;
        }
    }
}
