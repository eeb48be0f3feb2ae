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
    private PeerRepository? _repository;

    private CliSession(DialerOptions options)
    {
        Options = options;
        Database = new PeerDatabase(options.Database.ConnectionString);
        Defaults = new PeerDefaults(options.Sip.Realm);
    }

    public DialerOptions Options { get; }
    public PeerDatabase Database { get; }
    public PeerDefaults Defaults { get; }
    public const string Actor = "cli";

    /// <summary>
    /// The repository, opened on first use. A verb never creates the secrets key: without one, it works only while
    /// no trunk holds a secret, and then refuses to store one (<see cref="RequireStoredKey"/>).
    /// </summary>
    public PeerRepository Repository => _repository ?? throw new InvalidOperationException("call OpenAsync first");

    /// <summary>True when the key came from configuration or the key file, false for a stand-in that stores nothing.</summary>
    public bool HasStoredKey { get; private set; }

    /// <summary>Opens <see cref="Repository"/>; fails naming the key file when the key is missing but secrets are stored.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_repository is not null)
        {
            return;
        }
        var key = SecretKeys.TryLoad(Options.Secrets);
        HasStoredKey = key is not null;
        if (key is null)
        {
            var stored = await SecretKeys.StoredSecretsAsync(Database, cancellationToken);
            if (stored > 0)
            {
                throw new InvalidOperationException(SecretKeys.MissingMessage(Options.Secrets, stored));
            }
            // Nothing stored is encrypted: a throwaway key reads everything there is; RequireStoredKey guards writes.
            key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        }
        _repository = new PeerRepository(Database, new SecretProtector(key));
    }

    /// <summary>A verb about to store a trunk secret: the key must be one that outlives this process.</summary>
    public void RequireStoredKey()
    {
        if (!HasStoredKey)
        {
            throw new InvalidOperationException(
                $"no secrets key yet (no Dialer:Secrets:Key, no key file {Options.Secrets.KeyFile}): run `dialer migrate` " +
                "(it creates the key file) or set Dialer:Secrets:Key before storing trunk secrets");
        }
    }

    /// <summary>Runs a verb with a session whose repository is open; prints failures to stderr.</summary>
    public static Task<int> RunAsync(ParseResult parse, Func<CliSession, Task<int>> verb) => RunAsync(parse, verb, openRepository: true);

    /// <summary>Runs a verb with a session; prints failures to stderr.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="verb">The verb's work.</param>
    /// <param name="openRepository">False for verbs that do not read peers (migrate).</param>
    public static async Task<int> RunAsync(ParseResult parse, Func<CliSession, Task<int>> verb, bool openRepository)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(verb);
        var error = Console.Error;
        try
        {
            var configuration = DialerConfiguration.Load(parse.GetValue(CliOptions.Config));
            var session = new CliSession(DialerConfiguration.Options(configuration));
            if (openRepository)
            {
                await session.OpenAsync(CancellationToken.None);
            }
            return await verb(session);
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
