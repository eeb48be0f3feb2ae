using Dapper;
using Dialer.Peers.Security;
using Dialer.Peers.Storage;
using MySqlConnector;

namespace Dialer.Host.Configuration;

/// <summary>
/// Which verbs may make the secrets key. Reading never creates it; only `dialer serve` and `dialer migrate` create a
/// key file, and only on a database where no trunk holds a secret yet: a new key could not open the stored ones, so
/// with stored secrets a missing key is an error that names the file, not a fresh start.
/// </summary>
public static class SecretKeys
{
    /// <summary>The configured key or the key file's, or null when neither is there. Never writes.</summary>
    public static byte[]? TryLoad(SecretsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Key) || (!string.IsNullOrWhiteSpace(options.KeyFile) && File.Exists(options.KeyFile)))
        {
            return SecretKey.Load(options.Key, options.KeyFile);
        }
        return null;
    }

    /// <summary>The key, created in the key file when missing and the database holds no trunk secret.</summary>
    public static Task<byte[]> LoadOrCreateAsync(SecretsOptions options, PeerDatabase database, CancellationToken cancellationToken) =>
        LoadOrCreateAsync(options, database, clustered: false, cancellationToken);

    /// <summary>The key, created in the key file when missing and the database holds no trunk secret.</summary>
    /// <exception cref="InvalidOperationException">The key is missing but trunks hold secrets; the message says what to do.</exception>
    /// <remarks>With <paramref name="clustered"/> (Dialer:Cluster:Enabled) a node never makes a key: it would differ from the other nodes'.</remarks>
    public static async Task<byte[]> LoadOrCreateAsync(SecretsOptions options, PeerDatabase database, bool clustered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        if (TryLoad(options) is { } key)
        {
            return key;
        }
        if (clustered)
        {
            throw new InvalidOperationException(
                $"Dialer:Cluster:Enabled needs the cluster's one secrets key, and none is here (no Dialer:Secrets:Key, no key file {options.KeyFile}): " +
                "set Dialer:Secrets:Key, or copy the key file of the first node, on every node; a key made here could not read the secrets the others store");
        }
        var stored = await StoredSecretsAsync(database, cancellationToken);
        if (stored > 0)
        {
            throw new InvalidOperationException(MissingMessage(options, stored));
        }
        return SecretKey.Load(null, options.KeyFile);
    }

    /// <summary>Why a key is needed and where it was looked for.</summary>
    public static string MissingMessage(SecretsOptions options, long stored)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"the secrets key is missing (no Dialer:Secrets:Key, no key file {options.KeyFile}) but {stored} trunk(s) hold secrets " +
            "encrypted with it: restore the key file or set Dialer:Secrets:Key; a new key could not read them";
    }

    /// <summary>Trunks with an encrypted outbound password; 0 before the schema exists.</summary>
    public static async Task<long> StoredSecretsAsync(PeerDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM trunks WHERE auth_secret IS NOT NULL", cancellationToken: cancellationToken));
        }
        catch (MySqlException error) when (error.ErrorCode == MySqlErrorCode.NoSuchTable)
        {
            return 0;
        }
    }
}
