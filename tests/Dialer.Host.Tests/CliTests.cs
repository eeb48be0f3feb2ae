using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>The `dialer` executable itself, as `make run` and admins use it, against a database of its own.</summary>
public sealed class CliTests
{
    private TestDatabase _db = null!;
    private readonly string _key = Convert.ToBase64String(TestKeys.NewKey());

    // A database per test: each starts from an empty schema, whatever ran before.
    [SetUp]
    public async Task CreateEmptyDatabase() => _db = await TestDatabase.CreateAsync(migrate: false);

    [TearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Migrate_DemoLoad_AndAdminVerbs_WorkEndToEnd()
    {
        var first = await RunAsync("migrate");
        Assert.That(first.ExitCode, Is.Zero, first.Error);
        Assert.That(first.Output, Does.Contain("applied 001_schema.sql"));
        var again = await RunAsync("migrate");
        Assert.That(again.Output, Does.Contain("database is up to date"));

        var demo = await RunAsync("demo", "load");
        Assert.That(demo.ExitCode, Is.Zero, demo.Error);
        Assert.That(demo.Output, Does.Contain("trunk carrier-a added"));
        Assert.That((await RunAsync("demo", "load")).Output, Does.Not.Contain("added"), "a second load changes nothing");

        var trunks = await RunAsync("trunk", "list");
        Assert.That(trunks.Output, Does.Contain("carrier-a").And.Contain("carrier-b"));
        var phone = await RunAsync("phone", "add", "--extension", "4001", "--password-stdin", "--codecs", "g722,pcmu");
        Assert.That(phone.ExitCode, Is.Zero, phone.Error);
        Assert.That((await RunAsync("phone", "list")).Output, Does.Contain("4001").And.Contain("G722,PCMU"));
    }

    [Test]
    public async Task PhoneAdd_TakesOutboundTrunksAndCallerId()
    {
        Assert.That((await RunAsync("migrate")).ExitCode, Is.Zero);
        Assert.That((await RunAsync("demo", "load")).ExitCode, Is.Zero);
        var named = await RunAsync("phone", "add", "--extension", "4002", "--password-stdin",
            "--outbound-trunks", "carrier-a, CARRIER-B", "--caller-id", "+15550104002");
        Assert.That(named.ExitCode, Is.Zero, named.Error);
        var all = await RunAsync("phone", "add", "--extension", "4003", "--password-stdin", "--outbound-trunks", "all");
        Assert.That(all.ExitCode, Is.Zero, all.Error);
        var none = await RunAsync("phone", "add", "--extension", "4004", "--password-stdin", "--outbound-trunks", "none");
        Assert.That(none.ExitCode, Is.Zero, none.Error);
        var lines = (await RunAsync("phone", "list")).Output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines.Single(l => l.StartsWith("4002 ", StringComparison.Ordinal)), Does.Contain("carrier-a,carrier-b").And.Contain("+15550104002"));
            Assert.That(lines.Single(l => l.StartsWith("4003 ", StringComparison.Ordinal)), Does.Contain(" all "));
            Assert.That(lines.Single(l => l.StartsWith("4004 ", StringComparison.Ordinal)), Does.Contain(" none "));
            Assert.That(lines.Single(l => l.StartsWith("1001 ", StringComparison.Ordinal)), Does.Contain(" all "), "demo phones may call out");
        });

        var bad = await RunAsync("phone", "add", "--extension", "4005", "--password-stdin",
            "--outbound-trunks", "carrier-a,nope", "--caller-id", "boss");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Error, Does.Contain("callerId:"));
        var unknown = await RunAsync("phone", "add", "--extension", "4005", "--password-stdin", "--outbound-trunks", "carrier-a,nope");
        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.Error, Does.Contain("outboundTrunks[1]:"));
    }

    [Test]
    public async Task PhoneAdd_TakesDigestAlgorithms()
    {
        Assert.That((await RunAsync("migrate")).ExitCode, Is.Zero);
        var both = await RunAsync("phone", "add", "--extension", "4101", "--password-stdin",
            "--digest-algorithms", "MD5, sha-256");
        Assert.That(both.ExitCode, Is.Zero, both.Error);
        var plain = await RunAsync("phone", "add", "--extension", "4102", "--password-stdin");
        Assert.That(plain.ExitCode, Is.Zero, plain.Error);
        var lines = (await RunAsync("phone", "list")).Output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines.Single(l => l.StartsWith("4101 ", StringComparison.Ordinal)), Does.Contain(" MD5,SHA-256 "));
            Assert.That(lines.Single(l => l.StartsWith("4102 ", StringComparison.Ordinal)), Does.Contain(" default "));
        });

        var bad = await RunAsync("phone", "add", "--extension", "4103", "--password-stdin", "--digest-algorithms", "MD5,md4");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Error, Does.Contain("digestAlgorithms[1]:"));
    }

    [Test]
    public async Task BadInput_ExitsWith2AndNamesTheField()
    {
        Assert.That((await RunAsync("migrate")).ExitCode, Is.Zero);
        var phone = await RunWithInputAsync("short\n", "phone", "add", "--extension", "40x1", "--password-stdin");
        Assert.That(phone.ExitCode, Is.EqualTo(2));
        Assert.That(phone.Error, Does.Contain("extension:").And.Contain("password:"));

        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{"name":"cli-t","channelCap":0,"servers":[{"host":"192.0.2.1","port":99999}]}""");
            var apply = await RunAsync("trunk", "apply", "--file", file);
            Assert.That(apply.ExitCode, Is.EqualTo(2));
            Assert.That(apply.Error, Does.Contain("channelCap:").And.Contain("servers[0].port:"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task AnotherSecretsKey_IsAClearErrorNamingTheTrunk()
    {
        await RunAsync("migrate");
        await RunAsync("demo", "load");
        var result = await RunAsync(new Dictionary<string, string> { ["Dialer__Secrets__Key"] = Convert.ToBase64String(TestKeys.NewKey()) },
            "trunk", "list");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("trunk carrier-b does not decrypt").And.Not.Contain("   at "));
    }

    [Test]
    public async Task MissingConnectionString_IsReportedByKey()
    {
        var result = await RunAsync(new Dictionary<string, string> { ["Dialer__Database__ConnectionString"] = "" }, "phone", "list");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("Dialer:Database:ConnectionString"));
    }

    [Test]
    public async Task PhoneUpdate_ChangesOnlyTheOptionsGiven_AndKeepsThePasswordWithoutOne()
    {
        Assert.That((await RunAsync("migrate")).ExitCode, Is.Zero);
        var add = await RunAsync("phone", "add", "--extension", "4201", "--password-stdin", "--display-name", "Desk", "--codecs", "PCMU,PCMA");
        Assert.That(add.ExitCode, Is.Zero, add.Error);
        var update = await RunWithInputAsync("", "phone", "update", "4201", "--codecs", "PCMA", "--caller-id", "+15550104201", "--active", "false");
        Assert.That(update.ExitCode, Is.Zero, update.Error);
        Assert.That(update.Output, Does.Contain("phone 4201 updated").And.Contain("password kept"));
        var line = (await RunAsync("phone", "list")).Output.Split('\n').Single(l => l.StartsWith("4201 ", StringComparison.Ordinal));
        Assert.That(line, Does.Contain("Desk").And.Contain(" PCMA ").And.Contain("+15550104201").And.EndWith("no"));

        var password = await RunWithInputAsync("a-new-password\n", "phone", "update", "4201", "--password-stdin");
        Assert.That(password.ExitCode, Is.Zero, password.Error);
        Assert.That(password.Output, Does.Contain("new password"));
        var missing = await RunAsync("phone", "update", "4299", "--codecs", "PCMA");
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("phone 4299 does not exist"));
    }

    [Test]
    public async Task PhoneAdd_NeverTakesAPasswordOnTheCommandLine()
    {
        Assert.That((await RunAsync("migrate")).ExitCode, Is.Zero);
        var option = await RunAsync("phone", "add", "--extension", "4301", "--password", "cli-password");
        Assert.That(option.ExitCode, Is.Not.Zero, "--password is gone");
        var piped = await RunWithInputAsync("cli-password\n", "phone", "add", "--extension", "4301");
        Assert.That(piped.ExitCode, Is.EqualTo(1), "no terminal to ask on and no --password-stdin");
        Assert.That(piped.Error, Does.Contain("--password-stdin"));
        var empty = await RunWithInputAsync("", "phone", "add", "--extension", "4301", "--password-stdin");
        Assert.That(empty.ExitCode, Is.EqualTo(1));
        Assert.That(empty.Error, Does.Contain("no password line"));
    }

    [Test]
    public async Task TokenList_ShowsNamesAndRoles_AndRevokeRemovesOne()
    {
        Assert.That((await RunAsync("migrate")).ExitCode, Is.Zero);
        var created = await RunAsync("token", "create", "--name", "noc", "--role", "viewer");
        Assert.That(created.ExitCode, Is.Zero, created.Error);
        var token = created.Output.Trim();
        var list = await RunAsync("token", "list");
        Assert.That(list.Output, Does.Contain("noc").And.Contain("viewer").And.Not.Contain(token));
        var revoke = await RunAsync("token", "revoke", "noc");
        Assert.That(revoke.ExitCode, Is.Zero, revoke.Error);
        Assert.That((await RunAsync("token", "list")).Output, Does.Not.Contain("noc"));
        Assert.That((await RunAsync("token", "revoke", "noc")).ExitCode, Is.EqualTo(1), "no such token");
    }

    [Test]
    public async Task WithoutAKey_VerbsNeverCreateAKeyFile_AndRefuseOnceSecretsAreStored()
    {
        var folder = Directory.CreateTempSubdirectory("dialer-key-");
        try
        {
            var keyFile = Path.Combine(folder.FullName, "secrets.key");
            var noKey = new Dictionary<string, string> { ["Dialer__Secrets__Key"] = "", ["Dialer__Secrets__KeyFile"] = keyFile };
            Assert.That((await RunAsync(noKey, "phone", "list")).ExitCode, Is.EqualTo(1), "no schema yet");
            Assert.That(File.Exists(keyFile), Is.False, "a read verb made no key");
            var demo = await RunAsync(noKey, "demo", "load");
            Assert.That(demo.ExitCode, Is.EqualTo(1));
            Assert.That(demo.Error, Does.Contain("no secrets key yet").And.Contain(keyFile));
            Assert.That(File.Exists(keyFile), Is.False, "demo load made no key");

            var migrate = await RunAsync(noKey, "migrate");
            Assert.That(migrate.ExitCode, Is.Zero, migrate.Error);
            Assert.That(File.Exists(keyFile), Is.True, "migrate made the key on a database without secrets");
            Assert.That((await RunAsync(noKey, "demo", "load")).ExitCode, Is.Zero);
            File.Delete(keyFile);
            var list = await RunAsync(noKey, "trunk", "list");
            Assert.That(list.ExitCode, Is.EqualTo(1));
            Assert.That(list.Error, Does.Contain("the secrets key is missing").And.Contain("1 trunk(s) hold secrets"));
            Assert.That(File.Exists(keyFile), Is.False);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string>(), args);

    private Task<(int ExitCode, string Output, string Error)> RunAsync(IDictionary<string, string> environment, params string[] args) =>
        RunWithInputAsync(environment, "cli-password\n", args);

    private Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(string input, params string[] args) =>
        RunWithInputAsync(new Dictionary<string, string>(), input, args);

    private async Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(IDictionary<string, string> environment, string input, params string[] args)
    {
        var all = new Dictionary<string, string>
        {
            ["Dialer__Database__ConnectionString"] = _db.ConnectionString,
            ["Dialer__Secrets__Key"] = _key,
        };
        foreach (var (key, value) in environment)
        {
            all[key] = value;
        }
        var result = await DialerCli.RunWithInputAsync(all, input, args);
        return (result.ExitCode, result.Output, result.Error);
    }
}
