using System.Security.Cryptography;
using Dapper;
using Dialer.Peers.Storage;
using MySqlConnector;

namespace Dialer.Testing;

/// <summary>
/// A database of its own on the private MariaDB that `make test` starts (DIALER_TEST_DB), migrated to the
/// current schema and dropped afterwards, so fixtures run in any order and side by side.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Variable = "DIALER_TEST_DB";

    private TestDatabase(string server, string name)
    {
        ServerConnectionString = server;
        Name = name;
        ConnectionString = new MySqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        Database = new PeerDatabase(ConnectionString);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public string ServerConnectionString { get; }
    public PeerDatabase Database { get; }

    /// <summary>The connection string `make db` printed; a missing one fails loudly rather than skipping.</summary>
    public static string ServerFromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: run the tests with `make test`, which starts the private MariaDB and sets it");

    /// <param name="migrate">False leaves the database empty (migration tests).</param>
    public static async Task<TestDatabase> CreateAsync(bool migrate = true)
    {
        var database = new TestDatabase(ServerFromEnvironment(), "dialer_t_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        await using (var connection = new MySqlConnection(database.ServerConnectionString))
        {
            await connection.ExecuteAsync($"CREATE DATABASE `{database.Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        if (migrate)
        {
            await new Migrator(database.Database).ApplyAsync(MigrationScript.Embedded());
        }
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        await using var connection = new MySqlConnection(ServerConnectionString);
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS `{Name}`");
    }
}
