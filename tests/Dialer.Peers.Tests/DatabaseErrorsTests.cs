using Dapper;
using Dialer.Peers.Storage;
using Dialer.Testing;
using MySqlConnector;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

/// <summary>
/// What <see cref="DatabaseErrors"/> makes of the errors the real MariaDB and MySqlConnector give: each failure is
/// provoked, not constructed, so a driver upgrade that reports it differently shows here.
/// </summary>
public sealed class DatabaseErrorsTests
{
    private TestDatabase _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync(migrate: false);
        await using var connection = await _db.Database.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE t (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB");
        await connection.ExecuteAsync("INSERT INTO t (id) VALUES (1)");
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task DuplicateKey_IsDuplicate_NotTransient()
    {
        await using var connection = await _db.Database.OpenAsync();
        var error = await FailureOf(() => connection.ExecuteAsync("INSERT INTO t (id) VALUES (1)"));
        Assert.That(Classify(error), Is.EqualTo("duplicate failure"));
    }

    [Test]
    public async Task LockWaitTimeout_IsTransient_NotUnavailable()
    {
        await using var holder = await _db.Database.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT id FROM t WHERE id = 1 FOR UPDATE", transaction: transaction);
        await using var waiter = await _db.Database.OpenAsync();
        await waiter.ExecuteAsync("SET SESSION innodb_lock_wait_timeout = 1");
        var error = await FailureOf(() => waiter.ExecuteAsync("UPDATE t SET id = 1 WHERE id = 1"));
        Assert.That(Classify(error), Is.EqualTo("transient failure"));
    }

    [Test]
    public async Task ConnectionRefused_IsUnavailable()
    {
        using var refusing = LoopbackPorts.Refusing(out var port);
        var database = new PeerDatabase($"Server=127.0.0.1;Port={port};User ID=x;Password=y;SslMode=None;Connection Timeout=2");
        var error = await FailureOf(() => database.VersionAsync());
        Assert.That(Classify(error), Is.EqualTo("unavailable transient failure"));
    }

    [Test]
    public async Task CommandTimeout_IsUnavailable()
    {
        var builder = new MySqlConnectionStringBuilder(_db.ConnectionString) { DefaultCommandTimeout = 1 };
        await using var connection = await new PeerDatabase(builder.ConnectionString).OpenAsync();
        var error = await FailureOf(() => connection.ExecuteAsync("SELECT SLEEP(5)"));
        Assert.That(Classify(error), Is.EqualTo("unavailable transient failure"));
    }

    [Test]
    public async Task ConnectionKilledMidQuery_IsUnavailable()
    {
        await using var victim = await _db.Database.OpenAsync();
        var query = victim.ExecuteAsync("SELECT SLEEP(10)");
        await using var killer = await _db.Database.OpenAsync();
        await Task.Delay(200);
        await killer.ExecuteAsync($"KILL CONNECTION {victim.ServerThread}");
        var error = await FailureOf(() => query);
        Assert.That(Classify(error), Is.EqualTo("unavailable transient failure"), error.ToString());
    }

    [Test]
    public async Task BadStatement_IsAFailure_NotWorthRetrying()
    {
        await using var connection = await _db.Database.OpenAsync();
        var error = await FailureOf(() => connection.ExecuteAsync("SELECT * FROM no_such_table"));
        Assert.That(Classify(error), Is.EqualTo("failure"));
    }

    [Test]
    public void OurOwnBug_IsNoDatabaseFailure()
    {
        Assert.That(Classify(new ArgumentException("not a database error")), Is.Empty);
    }

    private static async Task<Exception> FailureOf(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception error)
        {
            return error;
        }
        throw new AssertionException("the call was expected to fail");
    }

    private static string Classify(Exception error) => string.Join(' ', new[]
    {
        DatabaseErrors.IsDuplicate(error) ? "duplicate" : null,
        DatabaseErrors.IsUnavailable(error) ? "unavailable" : null,
        DatabaseErrors.IsTransient(error) ? "transient" : null,
        DatabaseErrors.IsFailure(error) ? "failure" : null,
    }.Where(word => word is not null));
}
