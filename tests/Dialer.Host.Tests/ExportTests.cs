using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>`dialer export asterisk|kamailio` on <see cref="ExportPeers"/>, compared with the golden files.</summary>
public sealed class ExportTests
{
    private readonly byte[] _key = TestKeys.NewKey();
    private TestDatabase _db = null!;
    private string _folder = null!;

    // The tests only read the peers: one database for the fixture.
    [OneTimeSetUp]
    public async Task LoadPeers()
    {
        _db = await TestDatabase.CreateAsync();
        await ExportPeers.LoadAsync(_db, _key);
        _folder = Directory.CreateTempSubdirectory("dialer-export-").FullName;
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await _db.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task Asterisk_DefaultEdge_IsTheFirstUdpListenAddress_AndMatchesGolden()
    {
        var result = await RunAsync("export", "asterisk");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Golden.AssertMatches("asterisk.conf", result.Output);
    }

    [Test]
    public async Task AsteriskWithPhones_WritesHa1ToAnOwnerOnlyFile_AndMatchesGolden()
    {
        var file = Path.Combine(_folder, "pjsip_phones.conf");
        var result = await RunAsync("export", "asterisk", "--phones", "--edge", "[2001:db8::5]:5062", "--out", file);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Is.Empty, "--out keeps standard output clean");
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
        Golden.AssertMatches("asterisk-phones.conf", await File.ReadAllTextAsync(file));
    }

    [TestCase("dispatcher", "dispatcher.list")]
    [TestCase("address", "address.list")]
    public async Task Kamailio_OneFile_MatchesGolden(string what, string golden)
    {
        var result = await RunAsync("export", "kamailio", "--what", what);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Golden.AssertMatches(golden, result.Output);
    }

    [Test]
    public async Task KamailioAll_IntoADirectory_WritesBothFiles()
    {
        var directory = Path.Combine(_folder, "kamailio");
        var result = await RunAsync("export", "kamailio", "--out", directory);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Golden.AssertMatches("dispatcher.list", await File.ReadAllTextAsync(Path.Combine(directory, "dispatcher.list")));
        Golden.AssertMatches("address.list", await File.ReadAllTextAsync(Path.Combine(directory, "address.list")));
    }

    [TestCase("--edge", "edge.example:99999", "--edge 'edge.example:99999' must be HOST:PORT")]
    [TestCase("--edge", "[2001:db8::5:5060", "must be HOST:PORT")]
    public async Task Asterisk_BadEdge_ExitsWith2(string option, string value, string message)
    {
        var result = await RunAsync("export", "asterisk", option, value);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(message));
    }

    [Test]
    public async Task Asterisk_EdgeListeningOnEveryAddress_AsksForEdge()
    {
        var result = await RunAsync(new Dictionary<string, string> { ["Dialer__Sip__Listen__1"] = "udp:0.0.0.0:5060" }, "export", "asterisk");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("give --edge HOST:PORT"));
    }

    [Test]
    public async Task Export_ToAFolderThatDoesNotExist_IsAOneLineError()
    {
        var file = Path.Combine(_folder, "missing", "dispatcher.list");
        var result = await RunAsync("export", "kamailio", "--what", "dispatcher", "--out", file);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain(file).And.Not.Contain("   at "));
    }

    [Test]
    public async Task KamailioAll_OutIsAFile_IsRefused()
    {
        var file = Path.Combine(_folder, "plain-file");
        await File.WriteAllTextAsync(file, "");
        var result = await RunAsync("export", "kamailio", "--out", file);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--what all writes two files into a directory"));
    }

    [Test]
    public async Task Kamailio_UnknownWhat_IsRefused()
    {
        var result = await RunAsync("export", "kamailio", "--what", "trusted");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("trusted"));
    }

    private Task<DialerCli.Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    private Task<DialerCli.Result> RunAsync(Dictionary<string, string> overrides, params string[] args)
    {
        // Fixed settings, so the output depends on nothing but the peers: the first udp Listen entry is the edge.
        var environment = new Dictionary<string, string>
        {
            ["Dialer__Database__ConnectionString"] = _db.ConnectionString,
            ["Dialer__Secrets__Key"] = Convert.ToBase64String(_key),
            ["Dialer__Sip__Listen__0"] = "tcp:192.0.2.1:5070",
            ["Dialer__Sip__Listen__1"] = "udp:192.0.2.1:5070",
            ["Dialer__Sip__Domains__0"] = "edge.example",
            ["Dialer__Edge__DialerAcl__0"] = "192.0.2.0/24",
            ["Dialer__Edge__DialerAcl__1"] = "10.20.0.0/16",
        };
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }
        return DialerCli.RunAsync(environment, args);
    }
}
