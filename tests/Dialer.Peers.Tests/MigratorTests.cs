using Dapper;
using Dialer.Peers.Storage;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class MigratorTests
{
    [Test]
    public async Task Apply_FromEmpty_CreatesTheSchemaAndARerunIsANoOp()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var migrator = new Migrator(db.Database);
        var first = await migrator.ApplyAsync(MigrationScript.Embedded());
        Assert.That(first.Select(s => s.Name), Does.Contain("001_schema.sql"));
        Assert.That(await db.Database.VersionAsync(), Is.Zero);
        Assert.That(await migrator.ApplyAsync(MigrationScript.Embedded()), Is.Empty);
        await using var connection = await db.Database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_version"), Is.EqualTo(first.Count));
    }

    [Test]
    public async Task Apply_WhenAnAppliedFileWasEdited_RefusesNamingTheFile()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            foreach (var script in MigrationScript.Embedded())
            {
                await File.WriteAllTextAsync(Path.Combine(directory.FullName, script.Name), script.Sql);
            }
            var migrator = new Migrator(db.Database);
            await migrator.ApplyAsync(MigrationScript.FromDirectory(directory.FullName));
            await File.AppendAllTextAsync(Path.Combine(directory.FullName, "001_schema.sql"), "\n-- an innocent-looking edit\n");
            Assert.That(async () => await migrator.ApplyAsync(MigrationScript.FromDirectory(directory.FullName)),
                Throws.InstanceOf<MigrationException>().With.Message.Contains("001_schema.sql was edited"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Apply_WhenTheDatabaseKnowsAMigrationThisBuildLacks_Refuses()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var connection = await db.Database.OpenAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO schema_version VALUES (999, '999_future.sql', REPEAT('0', 64), UTC_TIMESTAMP(6))");
        }
        Assert.That(async () => await new Migrator(db.Database).ApplyAsync(MigrationScript.Embedded()),
            Throws.InstanceOf<MigrationException>().With.Message.Contains("999_future.sql"));
    }

    [Test]
    public async Task Apply_WhenAScriptFails_NamesItAndDoesNotRecordIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        var broken = MigrationScript.Embedded().Append(new MigrationScript(998, "998_broken.sql", "CREATE TABLE t (x NOPE);")).ToList();
        var migrator = new Migrator(db.Database);
        Assert.That(async () => await migrator.ApplyAsync(broken),
            Throws.InstanceOf<MigrationException>().With.Message.Contains("998_broken.sql failed"));
        await using var connection = await db.Database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_version WHERE version = 998"), Is.Zero);
    }

    [Test]
    public void FromDirectory_RejectsBadlyNamedFiles()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "schema.sql"), "SELECT 1;");
            Assert.That(() => MigrationScript.FromDirectory(directory.FullName),
                Throws.InstanceOf<MigrationException>().With.Message.Contains("NNN_description.sql"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void Checksum_IgnoresLineEndings()
    {
        Assert.That(new MigrationScript(1, "001_a.sql", "A;\r\nB;\r\n").Checksum, Is.EqualTo(new MigrationScript(1, "001_a.sql", "A;\nB;\n").Checksum));
    }
}
