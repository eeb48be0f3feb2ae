using System.Diagnostics;
using System.Globalization;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// `make dist` and `make install` as an operator uses them: the tarball's `dialer` migrates and serves from an empty
/// working directory, `make install DESTDIR=` stages the documented layout, and the systemd unit verifies. `make dist`
/// (a self-contained Release publish) runs once for the fixture: it takes a minute or two.
/// </summary>
[NonParallelizable]
public sealed class DistTests
{
    private const string Version = "disttest";
    private string _root = null!;
    private DirectoryInfo _work = null!;
    private string _tarball = null!;

    [OneTimeSetUp]
    public async Task MakeDist()
    {
        _root = RepositoryRoot();
        _work = Directory.CreateTempSubdirectory("dialer-dist-");
        var make = await RunAsync(_root, TimeSpan.FromMinutes(9), "make", "dist", $"VERSION={Version}");
        Assert.That(make.ExitCode, Is.Zero, string.Join('\n', (make.Output + make.Error).Split('\n')
            .Where(l => l.Contains("rror", StringComparison.Ordinal)).Take(20)));
        _tarball = Path.Combine(_root, "var", "dist", $"dialer-{Version}-linux-x64.tar.gz");
        Assert.That(File.Exists(_tarball), Is.True, _tarball);
    }

    [OneTimeTearDown]
    public void RemoveWork() => _work.Delete(recursive: true);

    [Test]
    public async Task Tarball_MigratesAndServes_FromAnEmptyWorkingDirectory()
    {
        var extracted = Path.Combine(_work.FullName, "extracted");
        Directory.CreateDirectory(extracted);
        var untar = await RunAsync(extracted, TimeSpan.FromMinutes(2), "tar", "-xzf", _tarball);
        Assert.That(untar.ExitCode, Is.Zero, untar.Error);
        var home = Path.Combine(extracted, $"dialer-{Version}-linux-x64");
        Assert.Multiple(() =>
        {
            foreach (var file in new[] { "dialer", "etc/dialer.json", "etc/dialer.service", "etc/dialer.bash-completion", "sql/001_schema.sql" })
            {
                Assert.That(File.Exists(Path.Combine(home, file)), Is.True, file);
            }
        });
        var empty = Directory.CreateDirectory(Path.Combine(_work.FullName, "empty")).FullName;
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var http = LoopbackPorts.Free();
        var sip = LoopbackPorts.Free();
        var environment = new Dictionary<string, string>
        {
            ["Dialer__Database__ConnectionString"] = db.ConnectionString,
            ["Dialer__Admin__Url"] = $"http://127.0.0.1:{http}",
            ["Dialer__Sip__Listen__0"] = $"udp:127.0.0.1:{sip}",
            ["Dialer__Sip__Listen__1"] = $"tcp:127.0.0.1:{sip}",
            ["Dialer__Health__Enabled"] = "false",
            ["DIALER_ADMIN_TOKEN"] = "dist-test-token",
        };
        var binary = Path.Combine(home, "dialer");
        var migrate = await RunAsync(empty, TimeSpan.FromMinutes(1), binary, ["migrate"], environment);
        Assert.That(migrate.ExitCode, Is.Zero, migrate.Error);
        Assert.That(migrate.Output, Does.Contain("applied 001_schema.sql"), "embedded migrations, config beside the binary");
        Assert.That(File.Exists(Path.Combine(home, "var", "secrets.key")), Is.True, "the key file next to the config's folder, not the cwd");
        Assert.That(Directory.EnumerateFileSystemEntries(empty), Is.Empty, "nothing written to the working directory");

        using var serve = Start(empty, binary, ["serve"], environment);
        var serveOutput = serve.StandardOutput.ReadToEndAsync();
        var serveErrors = serve.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            var healthy = false;
            for (var i = 0; i < 300 && !healthy && !serve.HasExited; i++)
            {
                try
                {
                    healthy = (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }
            Assert.That(healthy, Is.True, serve.HasExited ? await serveErrors + await serveOutput : "GET /healthz");
        }
        finally
        {
            using var kill = Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await serve.WaitForExitAsync(timeout.Token);
        }
        Assert.That(serve.ExitCode, Is.Zero, "SIGTERM drains and exits 0");
    }

    [Test]
    public async Task MakeInstall_StagesTheLayoutUnderDestdir_KeepsAnExistingConfig_AndTheUnitVerifies()
    {
        var destdir = Path.Combine(_work.FullName, "root");
        var install = await RunAsync(_root, TimeSpan.FromMinutes(2), "make", "install", $"VERSION={Version}", $"DESTDIR={destdir}");
        Assert.That(install.ExitCode, Is.Zero, install.Output + install.Error);
        var link = new FileInfo(Path.Combine(destdir, "usr/local/bin/dialer"));
        Assert.Multiple(() =>
        {
            Assert.That(link.LinkTarget, Is.EqualTo("/usr/local/lib/dialer/dialer"));
            Assert.That(File.Exists(Path.Combine(destdir, "usr/local/lib/dialer/dialer")), Is.True);
            Assert.That(Directory.Exists(Path.Combine(destdir, "var/lib/dialer")), Is.True);
            Assert.That(File.Exists(Path.Combine(destdir, "usr/local/share/bash-completion/completions/dialer")), Is.True);
        });
        var config = Path.Combine(destdir, "etc/dialer/dialer.json");
        Assert.That(await File.ReadAllTextAsync(config), Does.Contain("\"KeyFile\": \"/var/lib/dialer/secrets.key\""));
        await File.AppendAllTextAsync(config, "// edited by the operator\n");
        var again = await RunAsync(_root, TimeSpan.FromMinutes(2), "make", "install", $"VERSION={Version}", $"DESTDIR={destdir}");
        Assert.That(again.ExitCode, Is.Zero, again.Error);
        Assert.That(await File.ReadAllTextAsync(config), Does.Contain("edited by the operator"), "an existing config is never overwritten");

        var unit = await File.ReadAllTextAsync(Path.Combine(destdir, "lib/systemd/system/dialer.service"));
        var keys = UnitKeys(unit);
        Assert.Multiple(() =>
        {
            Assert.That(keys["Type"], Is.EqualTo("notify"));
            Assert.That(keys["User"], Is.EqualTo("dialer"));
            Assert.That(keys["ExecStartPre"], Is.EqualTo("/usr/local/bin/dialer migrate --config /etc/dialer/dialer.json"));
            Assert.That(keys["ExecStart"], Is.EqualTo("/usr/local/bin/dialer serve --config /etc/dialer/dialer.json"));
            Assert.That(keys["StateDirectory"], Is.EqualTo("dialer"));
            Assert.That(keys["WantedBy"], Is.EqualTo("multi-user.target"));
        });
        if (File.Exists("/usr/bin/systemd-analyze") || File.Exists("/bin/systemd-analyze"))
        {
            // Verify against the staged binary: systemd-analyze checks that ExecStart is executable.
            var staged = Path.Combine(_work.FullName, "dialer.service");
            await File.WriteAllTextAsync(staged, unit.Replace("/usr/local/bin/dialer", Path.Combine(destdir, "usr/local/lib/dialer/dialer"), StringComparison.Ordinal));
            var verify = await RunAsync(_work.FullName, TimeSpan.FromMinutes(1), "systemd-analyze", "verify", staged);
            Assert.That(verify.ExitCode, Is.Zero, verify.Output + verify.Error);
            Assert.That(verify.Error, Does.Not.Contain("dialer.service:"), "no complaint about the unit");
        }
    }

    /// <summary>key=value lines of a unit file; comments and section headers skipped, the last value of a key wins.</summary>
    private static Dictionary<string, string> UnitKeys(string unit) =>
        unit.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';' or '[') && l.Contains('=', StringComparison.Ordinal))
            .Select(l => (Key: l[..l.IndexOf('=', StringComparison.Ordinal)], Value: l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dialer.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("no Dialer.sln above the test binaries");
    }

    private static Process Start(string directory, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // As an operator's shell would: none of the test host's variables (MSBuild's, VSTest's, the .NET host's) reach
        // `make dist` or the tarball's binary, so the test proves it needs none of them.
        var keep = new[] { "PATH", "HOME", "TMPDIR", "LANG", "USER", "DOTNET_ROOT", "NUGET_PACKAGES" };
        foreach (var name in start.Environment.Keys.Where(k => !keep.Contains(k, StringComparer.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return Process.Start(start)!;
    }

    private static Task<DialerCli.Result> RunAsync(string directory, TimeSpan timeout, string file, params string[] args) =>
        RunAsync(directory, timeout, file, args, null);

    private static async Task<DialerCli.Result> RunAsync(string directory, TimeSpan timeout, string file, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        using var process = Start(directory, file, args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return new DialerCli.Result(process.ExitCode, await output, await error);
    }
}
