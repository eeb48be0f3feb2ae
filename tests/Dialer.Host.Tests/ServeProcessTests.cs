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
}
