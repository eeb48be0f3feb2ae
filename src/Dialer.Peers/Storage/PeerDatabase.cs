using System.Data;
using Dapper;
using MySqlConnector;

namespace Dialer.Peers.Storage;

/// <summary>
/// Connections to the peer repository, and the one write path: every change runs in a transaction that
/// first raises the repository version. Taking that row lock first also orders all writers, so
/// concurrent admin changes queue instead of deadlocking.
/// </summary>
public sealed class PeerDatabase
{
    static PeerDatabase()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public PeerDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new MySqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction with the new repository version.</summary>
    public async Task<T> WriteAsync<T>(Func<MySqlConnection, IDbTransaction, long, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE peers_version SET version = LAST_INSERT_ID(version + 1) WHERE id = 1", transaction: transaction);
        var version = await connection.ExecuteScalarAsync<long>("SELECT LAST_INSERT_ID()", transaction: transaction);
        var result = await work(connection, transaction, version);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>The repository version: it rises with every committed change.</summary>
    public async Task<long> VersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("SELECT version FROM peers_version WHERE id = 1");
    }
}
