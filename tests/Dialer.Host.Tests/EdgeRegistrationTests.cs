using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Phones created through the admin API register with the edge; SIPp is the phone.</summary>
public sealed class EdgeRegistrationTests : ApiFixture
{
    private async Task<string> NewPhoneAsync(string password)
    {
        var extension = UniqueExtension();
        var created = await Admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{extension}}","password":"{{password}}","maxContacts":2}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await Server.WaitForPeersAsync();
        return extension;
    }

    [Test]
    public async Task PhoneCreatedThroughTheApi_RegistersWithDigest_AndIsListed()
    {
        var extension = await NewPhoneAsync("first-password");
        var result = await SippPhone.RunAsync("register", Server.SipPort(), extension, "first-password");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        var registrations = await (await Admin.GetAsync(new Uri($"/api/registrations?extension={extension}", UriKind.Relative))).JsonAsync();
        Assert.That(registrations.GetArrayLength(), Is.EqualTo(1));
        var binding = registrations[0];
        Assert.Multiple(() =>
        {
            Assert.That(binding.GetProperty("contact").GetString(), Does.StartWith($"sip:{extension}@127.0.0.1:"));
            Assert.That(binding.GetProperty("source").GetString(), Does.StartWith("udp:127.0.0.1:"));
            Assert.That(binding.GetProperty("userAgent").GetString(), Is.EqualTo("SIPp phone"));
            Assert.That(binding.GetProperty("expiresIn").GetInt32(), Is.InRange(3590, 3600));
        });
    }

    [Test]
    public async Task WrongPassword_UnknownPhone_AndInactivePhone_AllGetTheSameAnswer()
    {
        var extension = await NewPhoneAsync("right-password");
        Assert.That((await SippPhone.RunAsync("register-refused", Server.SipPort(), extension, "wrong-password")).ExitCode, Is.Zero);
        Assert.That((await SippPhone.RunAsync("register-refused", Server.SipPort(), "99999999", "any-password")).ExitCode, Is.Zero);
        var inactive = await NewPhoneAsync("right-password");
        await Admin.PutJsonAsync($"/api/phones/{inactive}", """{"active":false}""");
        await Server.WaitForPeersAsync();
        Assert.That((await SippPhone.RunAsync("register-refused", Server.SipPort(), inactive, "right-password")).ExitCode, Is.Zero);
    }

    [Test]
    public async Task PasswordChangedThroughTheApi_TakesEffectWithoutRestart()
    {
        var extension = await NewPhoneAsync("old-password-1");
        Assert.That((await SippPhone.RunAsync("register", Server.SipPort(), extension, "old-password-1")).ExitCode, Is.Zero);
        var changed = await Admin.PutJsonAsync($"/api/phones/{extension}", """{"password":"new-password-2","maxContacts":2}""");
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Server.WaitForPeersAsync();
        Assert.That((await SippPhone.RunAsync("register-refused", Server.SipPort(), extension, "old-password-1")).ExitCode, Is.Zero);
        Assert.That((await SippPhone.RunAsync("register", Server.SipPort(), extension, "new-password-2")).ExitCode, Is.Zero);
    }

    [Test]
    public async Task Refresh_KeepsOneBinding_AndExpiresZeroUnregisters()
    {
        var extension = await NewPhoneAsync("refresh-password");
        var port = Dialer.Testing.LoopbackPorts.Free();
        var values = new SippPhone.Values { Extension = extension, Password = "refresh-password", Expires = 600, LocalPort = port };
        Assert.That((await SippPhone.RunAsync("register", Server.SipPort(), values)).ExitCode, Is.Zero);
        Assert.That((await SippPhone.RunAsync("register", Server.SipPort(), values with { Expires = 1200 })).ExitCode, Is.Zero);
        var bindings = await (await Admin.GetAsync(new Uri($"/api/registrations?extension={extension}", UriKind.Relative))).JsonAsync();
        Assert.That(bindings.GetArrayLength(), Is.EqualTo(1), "the same contact refreshed, not added");
        Assert.That(bindings[0].GetProperty("expiresIn").GetInt32(), Is.InRange(1190, 1200));
        Assert.That((await SippPhone.RunAsync("register", Server.SipPort(), values with { Expires = 0 })).ExitCode, Is.Zero);
        var after = await (await Admin.GetAsync(new Uri($"/api/registrations?extension={extension}", UriKind.Relative))).JsonAsync();
        Assert.That(after.GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task ExpiresBelowTheMinimum_Is423IntervalTooBrief()
    {
        var extension = await NewPhoneAsync("brief-password");
        var result = await SippPhone.RunAsync("register", Server.SipPort(),
            new SippPhone.Values { Extension = extension, Password = "brief-password", Expires = 30, Status = 423 });
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    public async Task OptionsToTheEdge_Gets200WithAllowAndAccept_AndAdvertisesNoExtensionItLacks()
    {
        var text = await SipProbe.OptionsAsync(Server.SipPort());
        Assert.That(text, Does.StartWith("SIP/2.0 200 OK\r\n"));
        Assert.That(text, Does.Contain("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER").And.Contain("Accept: application/sdp"));
        Assert.That(text, Does.Not.Contain("path").And.Not.Contain("outbound"), "RFC 3327 Path and RFC 5626 outbound are not implemented, so not advertised");
        Assert.That(text, Does.Contain(";received=127.0.0.1").Or.Contain(";rport="), "RFC 3581 on the edge's own answers");
    }
}
