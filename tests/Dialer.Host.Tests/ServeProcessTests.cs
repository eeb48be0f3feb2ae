using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>The real `dialer serve` process: admin API, web console and SIP edge in one process, SIGTERM drains and exits 0.</summary>
public sealed class ServeProcessTests
{
    [Test]
    public async Task Serve_AnswersHttpAndSip_ThenSigtermExitsZero()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var serve = ServeProcess.Start(database.ConnectionString, Convert.ToBase64String(TestKeys.NewKey()));
        Assert.That(await serve.WaitHealthyAsync(), Is.True, "dialer serve answers /healthz");
        Assert.That(await SipProbe.OptionsAsync(serve.SipPort), Does.StartWith("SIP/2.0 200 OK\r\n"), "the SIP edge answers in the same process");
        // The process runs in the temp folder: the console comes from the assembly, not from a wwwroot beside it.
        using var http = serve.Client();
        var console = await http.GetAsync(new Uri("/admin/js/main.js", UriKind.Relative));
        Assert.That(console.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), "the web console is served");
        Assert.That(await console.Content.ReadAsStringAsync(), Does.Contain("import"));
        var (exitCode, output, errors) = await serve.StopAsync();
        Assert.That(exitCode, Is.Zero, errors);
        Assert.That(output, Does.Contain("Application is shutting down"));
    }

    [Test]
    public async Task Serve_WarnsOfATrunkWithTlsSkipVerify_WhenItIsTurnedOn_AndAtEveryStart()
    {
        await using var database = await TestDatabase.CreateAsync();
        var key = Convert.ToBase64String(TestKeys.NewKey());
        var environment = new Dictionary<string, string> { ["Dialer__Health__Enabled"] = "false", ["Dialer__Edge__SnapshotPollMs"] = "100" };
        const string Warning = "Trunk unchecked-carrier: TLS certificate verification is OFF (tls.skipVerify)";
        var first = ServeProcess.Start(database.ConnectionString, key, environment);
        string firstOutput;
        try
        {
            Assert.That(await first.WaitHealthyAsync(), Is.True, "dialer serve starts");
            using var admin = first.Client();
            var created = await admin.PostJsonAsync("/api/trunks", """
                {"name":"unchecked-carrier","channelCap":1,"tls":{"skipVerify":true},"servers":[{"host":"127.0.0.1","port":5061,"transport":"tls"}]}
                """);
            Assert.That(created.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
            // The edge lists the trunk once its snapshot has it, and warns as it publishes that snapshot.
            Assert.That(await Eventually.TrueAsync(async () => (await admin.GetStringAsync(new Uri("/api/channels", UriKind.Relative))).Contains("unchecked-carrier", StringComparison.Ordinal)),
                Is.True, "the edge took the new trunk");
        }
        finally
        {
            (_, firstOutput, _) = await first.StopAsync();
            await first.DisposeAsync();
        }
        Assert.That(firstOutput, Does.Contain(Warning), "logged when a change turned it on");

        await using var second = ServeProcess.Start(database.ConnectionString, key, environment);
        Assert.That(await second.WaitHealthyAsync(), Is.True, "dialer serve starts again");
        var (exitCode, output, errors) = await second.StopAsync();
        Assert.That(exitCode, Is.Zero, errors);
        Assert.That(output, Does.Contain("Dialer.Edge.Tls[2603]").And.Contain(Warning), "logged at start, with its event id");
        Assert.That(output.Split(Warning).Length - 1, Is.EqualTo(1), "once, not at every snapshot reload");
    }
}
