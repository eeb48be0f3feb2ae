using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

/// <summary>A migrated database of the fixture's own and a repository over it.</summary>
public abstract class RepositoryFixture
{
    protected TestDatabase Db { get; private set; } = null!;
    protected PeerRepository Repository { get; private set; } = null!;
    protected static PeerDefaults Defaults { get; } = new("pbx.example");

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        Db = await TestDatabase.CreateAsync();
        Repository = new PeerRepository(Db.Database, TestKeys.NewProtector());
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await Db.DisposeAsync();

    /// <summary>Names unique within the fixture's database, so tests do not depend on each other.</summary>
    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    protected static string UniqueExtension() => Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
