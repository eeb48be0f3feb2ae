using System.Net;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Brute force: after N failed digest attempts the extension gets 403 for the cool-off, even with the right password.</summary>
public sealed class EdgeLockoutTests
{
    [Test]
    public async Task RepeatedFailures_LockTheExtensionOut()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:LockoutFailures"] = "3",
            ["Dialer:Edge:LockoutSeconds"] = "600",
        });
        using var admin = server.Client();
        var created = await admin.PostJsonAsync("/api/phones", """{"extension":"7001","password":"right-password"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.That((await SippPhone.RunAsync("register-refused", server.SipPort(), "7001", "guess-" + attempt)).ExitCode, Is.Zero);
        }
        var locked = await SippPhone.RunAsync("register-locked", server.SipPort(), "7001");
        Assert.That(locked.ExitCode, Is.Zero, locked.Output);
        Assert.That((await SippPhone.RunAsync("register", server.SipPort(), "7001", "right-password")).ExitCode, Is.Not.Zero,
            "locked out even with the right password");
    }
}
