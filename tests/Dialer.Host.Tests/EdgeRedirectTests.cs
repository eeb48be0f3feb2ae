using System.Globalization;
using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Edge:ExtensionMode=redirect: a call to a registered extension gets 302 with its bindings, best q first.</summary>
public sealed class EdgeRedirectTests
{
    [Test]
    public async Task RedirectMode_Answers302WithTheBindings_InQOrder()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Edge:ExtensionMode"] = "redirect",
        });
        using var admin = server.Client();
        Assert.That((await admin.PostJsonAsync("/api/phones", """{"extension":"6201","password":"phone-password","maxContacts":2}""")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();
        var first = LoopbackPorts.Free();
        var second = LoopbackPorts.Free();
        foreach (var port in new[] { first, second })
        {
            var registered = await SippPhone.RunAsync("register", server.SipPort(),
                new SippPhone.Values { Extension = "6201", Password = "phone-password", LocalIp = "127.0.0.6", ContactPort = port });
            Assert.That(registered.ExitCode, Is.Zero, registered.Output);
        }
        using var dialer = new UdpPeer("127.0.0.1");
        await dialer.SendAsync(RawSip.Invite(dialer, server.SipPort(), "6201", Guid.NewGuid().ToString("N"), "r1"), server.SipPort());
        var moved = await dialer.WaitForResponseAsync(302, "INVITE", TimeSpan.FromSeconds(3));
        Assert.That(moved, Is.Not.Null, "302 Moved Temporarily");
        var contacts = SipText.Headers(moved!, "Contact");
        Assert.That(contacts, Has.Count.EqualTo(2));
        Assert.That(contacts.All(c => c.Contains(";q=", StringComparison.Ordinal)), Is.True);
        Assert.That(string.Join(" ", contacts), Does.Contain(":" + first.ToString(CultureInfo.InvariantCulture)).And.Contain(":" + second.ToString(CultureInfo.InvariantCulture)));
    }
}
