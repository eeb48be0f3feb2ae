using System.Globalization;
using System.Text.RegularExpressions;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// A real Kamailio 5.6 loads what `dialer export kamailio` writes: the dispatcher module its list_file, the permissions
/// module its address_file. `kamailio -c` alone proves nothing about them (modules read their files in mod_init, after
/// the check has exited), so Kamailio is started in the foreground on a free loopback port and stopped once both
/// modules report their tables loaded; its debug log then shows what it understood.
/// </summary>
public sealed partial class KamailioExportTests
{
    private static readonly TimeSpan s_startup = TimeSpan.FromSeconds(20);
    private readonly byte[] _key = TestKeys.NewKey();
    private TestDatabase _db = null!;
    private string _folder = null!;

    [OneTimeSetUp]
    public async Task ExportPeersForKamailio()
    {
        _db = await TestDatabase.CreateAsync();
        await ExportPeers.LoadAsync(_db, _key);
        _folder = Directory.CreateTempSubdirectory("dialer-kamailio-").FullName;
        var result = await DialerCli.RunAsync(new Dictionary<string, string>
        {
            ["Dialer__Database__ConnectionString"] = _db.ConnectionString,
            ["Dialer__Secrets__Key"] = Convert.ToBase64String(_key),
        }, "export", "kamailio", "--what", "all", "--out", _folder);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await _db.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task ExportedFiles_LoadIntoKamailio_AsWritten()
    {
        var dispatcher = Path.Combine(_folder, "dispatcher.list");
        var address = Path.Combine(_folder, "address.list");
        var config = WriteConfig(_folder, dispatcher, address);
        var check = await Kamailio.CheckAsync(config);
        Assert.That(check.ExitCode, Is.Zero, check.Output);

        var run = await Kamailio.RunUntilAsync(config, BothLoaded, s_startup);
        Assert.That(run.Ready, Is.True, $"Kamailio did not load the files (exit {run.ExitCode}):\n{run.Log}");

        var written = Rows(dispatcher).Select(r => r.Split(' ')).ToList();
        var loaded = DispatcherLogLine().Matches(run.Log).Select(m => m.Groups).ToList();
        Assert.That(loaded.Select(g => $"{g["set"]} {g["uri"]} {g["flags"]} {g["priority"]} duid={g["duid"]} weight={g["weight"]}"),
            Is.EquivalentTo(written.Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]} duid={Attr(r[4], "duid")} weight={Attr(r[4], "weight") ?? "0"}")),
            "every destination loaded with its flags, priority, duid and weight");
        // Kamailio keeps a set ordered as it will try it: Dialer's preferred servers (alpha's priority 1) come first.
        var alpha = loaded.Where(g => g["set"].Value == "1").ToList();
        Assert.That(alpha.Select(g => int.Parse(g["priority"].Value, CultureInfo.InvariantCulture)), Is.Ordered.Descending);
        Assert.That(alpha.Take(2).Select(g => g["uri"].Value), Is.EquivalentTo(new[] { "sip:192.0.2.10:5060;transport=udp", "sip:192.0.2.11:5060;transport=udp" }));

        var rows = Rows(address).ToList();
        Assert.That(run.Log, Does.Contain($"added {rows.Count} records"));
        foreach (var row in rows.Select(r => r.Split(' ')))
        {
            var host = row[2] is "32" or "128";
            Assert.That(run.Log, Does.Contain(host
                ? $"Tuple <{row[0]}, {row[1]}, {row[3]}> inserted into address hash table"
                : $"Tuple <{row[0]}, {row[1]}, {row[3]}, {row[2]}> inserted into subnet table"), string.Join(' ', row));
        }
    }

    [TestCase("dispatcher.list", "1 sip:[2001:db8::1 8 1\n")]
    [TestCase("address.list", "1 203.0.113.0 33 0 alpha\n")]
    public async Task ABrokenFile_StopsKamailio_SoTheCheckAboveWouldFail(string broken, string line)
    {
        var folder = Directory.CreateTempSubdirectory("dialer-kamailio-broken-").FullName;
        try
        {
            foreach (var name in new[] { "dispatcher.list", "address.list" })
            {
                var text = await File.ReadAllTextAsync(Path.Combine(_folder, name));
                await File.WriteAllTextAsync(Path.Combine(folder, name), name == broken ? text + line : text);
            }
            var config = WriteConfig(folder, Path.Combine(folder, "dispatcher.list"), Path.Combine(folder, "address.list"));
            Assert.That((await Kamailio.CheckAsync(config)).ExitCode, Is.Zero, "the script itself is fine");
            var run = await Kamailio.RunUntilAsync(config, BothLoaded, s_startup);
            Assert.That(run.Ready, Is.False, run.Log);
            Assert.That(run.ExitCode, Is.Not.Null.And.Not.Zero, "Kamailio refuses to start");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool BothLoaded(string log) =>
        log.Contains("loaded dispatching list", StringComparison.Ordinal)
        && log.Contains("address table reloaded successfully", StringComparison.Ordinal);

    /// <summary>
    /// A minimal script: both modules with the exported files, a route that uses them. ds_load_mode 1 makes a bad
    /// destination fail the start (by default it is skipped with a warning); the IPv6 listen lets IPv6 destinations
    /// load (without one Kamailio turns off IPv6 lookups and skips them); debug 3 logs every entry loaded.
    /// </summary>
    private static string WriteConfig(string folder, string dispatcher, string address)
    {
        var port = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);
        var config = Path.Combine(folder, "kamailio.cfg");
        File.WriteAllText(config, $$"""
            #!KAMAILIO
            debug=3
            log_stderror=yes
            auto_aliases=no
            dns=no
            rev_dns=no
            children=1
            disable_tcp=yes
            listen=udp:127.0.0.1:{{port}}
            listen=udp:[::1]:{{port}}

            loadmodule "tm.so"
            loadmodule "sl.so"
            loadmodule "dispatcher.so"
            loadmodule "permissions.so"
            modparam("dispatcher", "list_file", "{{dispatcher}}")
            modparam("dispatcher", "ds_load_mode", 1)
            modparam("permissions", "address_file", "{{address}}")

            request_route {
                if (allow_source_address("1") && ds_select_dst("1", "8")) {
                    t_relay();
                    exit;
                }
                sl_send_reply("403", "Forbidden");
            }

            """);
        return config;
    }

    private static IEnumerable<string> Rows(string file) =>
        File.ReadLines(file).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static string? Attr(string attrs, string name) =>
        attrs.Split(';').Select(a => a.Split('=', 2)).Where(a => a[0] == name).Select(a => a[1]).FirstOrDefault();

    // dispatch.c ds_log_dst_cb: "dst>> SET URI FLAGS PRIORITY (duid,maxload,weight,rweight)".
    [GeneratedRegex(@"dst>> (?<set>\d+) (?<uri>\S+) (?<flags>\d+) (?<priority>\d+) \((?<duid>[^,]*),(?<maxload>\d+),(?<weight>\d+),(?<rweight>\d+)\)")]
    private static partial Regex DispatcherLogLine();
}
