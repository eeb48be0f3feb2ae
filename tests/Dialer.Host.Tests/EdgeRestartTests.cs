using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Bindings are written behind to MariaDB and come back when the edge restarts.</summary>
public sealed class EdgeRestartTests
{
    [Test]
    public async Task Bindings_ComeBackAfterARestart()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var first = await ApiServer.StartAsync(database.ConnectionString))
        {
            using var admin = first.Client();
            Assert.That((await admin.PostJsonAsync("/api/phones", """{"extension":"8001","password":"restart-password"}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
            await first.WaitForPeersAsync();
            var registered = await SippPhone.RunAsync("register", first.SipPort(), "8001", "restart-password");
            Assert.That(registered.ExitCode, Is.Zero, registered.Output);
            await first.Edge.FlushBindingsAsync(TimeSpan.FromSeconds(5));
        }
        await using var second = await ApiServer.StartAsync(database.ConnectionString);
        using var client = second.Client();
        var registrations = await (await client.GetAsync(new Uri("/api/registrations", UriKind.Relative))).JsonAsync();
        Assert.That(registrations.GetArrayLength(), Is.EqualTo(1));
        Assert.That(registrations[0].GetProperty("extension").GetString(), Is.EqualTo("8001"));
    }
}
