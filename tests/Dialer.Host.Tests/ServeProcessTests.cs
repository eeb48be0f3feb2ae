using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>The real `dialer serve` process: admin API and SIP edge in one process, SIGTERM drains and exits 0.</summary>
public sealed class ServeProcessTests
{
    [Test]
    public async Task Serve_AnswersHttpAndSip_ThenSigtermExitsZero()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var serve = ServeProcess.Start(database.ConnectionString, Convert.ToBase64String(TestKeys.NewKey()));
        Assert.That(await serve.WaitHealthyAsync(), Is.True, "dialer serve answers /healthz");
        Assert.That(await SipProbe.OptionsAsync(serve.SipPort), Does.StartWith("SIP/2.0 200 OK\r\n"), "the SIP edge answers in the same process");
        var (exitCode, output, errors) = await serve.StopAsync();
        Assert.That(exitCode, Is.Zero, errors);
        Assert.That(output, Does.Contain("Application is shutting down"));
    }
}
