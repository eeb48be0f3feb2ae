using Dapper;
using MySqlConnector;

namespace Dialer.Peers.Storage;

/// <summary>
/// Applies sql/NNN_*.sql in order and records each with its checksum in schema_version. An applied file
/// that was edited since, or a database that knows a migration this build lacks, is refused.
/// </summary>
public sealed class Migrator(PeerDatabase database)
{
    private const string LockName = "dialer.migrate";

    /// <returns>The migrations applied by this call (none when the database is current).</returns>
    public async Task<IReadOnlyList<MigrationScript>> ApplyAsync(
        IReadOnlyList<MigrationScript> scripts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        await using var connection = await database.OpenAsync(cancellationToken);
        // Two `dialer migrate` at once (two nodes starting) must not both apply a file.
        if (await connection.ExecuteScalarAsync<int?>("SELECT GET_LOCK(@LockName, 120)", new { LockName }) != 1)
        {
            throw new MigrationException("another `dialer migrate` holds the migration lock; try again");
        }
        try
        {
            await connection.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_version (
                    version INT NOT NULL PRIMARY KEY,
                    name VARCHAR(255) NOT NULL,
                    checksum CHAR(64) NOT NULL,
                    applied_at DATETIME(6) NOT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """);
            var applied = (await connection.QueryAsync<(int Version, string Name, string Checksum)>(
                "SELECT version, name, checksum FROM schema_version ORDER BY version")).ToList();
            Check(scripts, applied);
            var pending = scripts.Where(s => applied.All(a => a.Version != s.Version)).ToList();
            foreach (var script in pending)
            {
                await ApplyOneAsync(connection, script, cancellationToken);
            }
            return pending;
        }
        finally
        {
            await connection.ExecuteAsync("SELECT RELEASE_LOCK(@LockName)", new { LockName });
        }
    }

    private static void Check(IReadOnlyList<MigrationScript> scripts, List<(int Version, string Name, string Checksum)> applied)
    {
        foreach (var (version, name, checksum) in applied)
        {
            var script = scripts.FirstOrDefault(s => s.Version == version)
                ?? throw new MigrationException(
                    $"the database has migration {name}, which this build does not have; refusing to run an older build against it");
            if (script.Checksum != checksum)
            {
                throw new MigrationException(
                    $"sql/{script.Name} was edited after it was applied (applied checksum {checksum[..12]}, file {script.Checksum[..12]}); " +
                    "add a new migration instead of editing an applied one");
            }
        }
    }

    private static async Task ApplyOneAsync(MySqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new MySqlCommand(script.Sql, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (MySqlException error)
        {
            // DDL commits as it goes in MariaDB: say which file failed so the admin can look before rerunning.
            throw new MigrationException($"sql/{script.Name} failed: {error.Message}", error);
        }
        await connection.ExecuteAsync(
            "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, UTC_TIMESTAMP(6))",
            new { script.Version, script.Name, script.Checksum });
    }
}
