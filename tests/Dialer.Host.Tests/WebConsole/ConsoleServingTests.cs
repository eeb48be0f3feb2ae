using System.Net;
using Dialer.Host.WebConsole;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>/admin without a browser: embedded files, security headers on every answer, /api/whoami and /api/dashboard.</summary>
public sealed class ConsoleServingTests : ApiFixture
{
    [Test]
    public async Task Console_IsServedFromTheAssembly_WithSecurityHeadersOnEveryAnswer()
    {
        using var anonymous = Server.Client(token: null);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.Address };
        var bare = await noRedirects.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.That((bare.StatusCode, bare.Headers.Location?.ToString()), Is.EqualTo((HttpStatusCode.Redirect, "/admin/")));
        foreach (var (path, status, type) in new[]
        {
            ("/admin/", HttpStatusCode.OK, "text/html"), ("/admin/js/main.js", HttpStatusCode.OK, "text/javascript"),
            ("/admin/app.css", HttpStatusCode.OK, "text/css"), ("/admin/no-such-page", HttpStatusCode.NotFound, "text/plain"),
        })
        {
            var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(status), path);
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(type), path);
                Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(ConsoleEndpoints.ContentSecurityPolicy), path);
                Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"), path);
                Assert.That(response.Headers.GetValues("Referrer-Policy").Single(), Is.EqualTo("no-referrer"), path);
            });
        }
        var first = await anonymous.GetAsync(new Uri("/admin/app.css", UriKind.Relative));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin/app.css", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var notModified = await anonymous.SendAsync(again);
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(notModified.Headers.Contains("Content-Security-Policy"), Is.True);
    }

    [Test]
    public void ConsoleFiles_HaveNoInlineScriptOrStyle_AndBuildNoHtmlFromStrings()
    {
        var assets = Server.Services<ConsoleAssets>();
        Assert.That(assets.Paths, Does.Contain("index.html").And.Contain("js/main.js").And.Contain("app.css"));
        foreach (var path in assets.Paths.Where(p => p.EndsWith(".html", StringComparison.Ordinal) || p.EndsWith(".js", StringComparison.Ordinal)))
        {
            var text = System.Text.Encoding.UTF8.GetString(assets.Find(path)!.Content);
            Assert.Multiple(() =>
            {
                Assert.That(text, Does.Not.Contain("style=").And.Not.Contain("<style"), path);
                Assert.That(text, Does.Not.Contain("innerHTML").And.Not.Contain("outerHTML").And.Not.Contain("insertAdjacentHTML"), path);
                Assert.That(text, Does.Not.Contain("eval(").And.Not.Contain("new Function"), path);
                Assert.That(text, Does.Not.Match("<script(?![^>]*src=)"), path);
                Assert.That(text, Does.Not.Match("https?://(?!www.w3.org/2000/svg)"), $"{path} loads nothing from the internet");
            });
        }
    }

    [Test]
    public async Task WhoAmI_NamesTheTokenAndItsRole()
    {
        var admin = await (await Admin.GetAsync(new Uri("/api/whoami", UriKind.Relative))).JsonAsync();
        Assert.That(admin.GetProperty("role").GetString(), Is.EqualTo("admin"));
        var created = await (await Admin.PostJsonAsync("/api/tokens", """{"name":"whoami-viewer","role":"viewer"}""")).JsonAsync();
        using var viewer = Server.Client(created.GetProperty("token").GetString());
        var who = await (await viewer.GetAsync(new Uri("/api/whoami", UriKind.Relative))).JsonAsync();
        Assert.That((who.GetProperty("name").GetString(), who.GetProperty("role").GetString()), Is.EqualTo(("whoami-viewer", "viewer")));
        using var nobody = Server.Client(token: null);
        Assert.That((await nobody.GetAsync(new Uri("/api/whoami", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Dashboard_GivesEachTrunksLiveFigures()
    {
        Assert.That((await Admin.PostJsonAsync("/api/trunks", """{"name":"dash","channelCap":7,"cpsCap":2,"servers":[{"host":"192.0.2.40","port":5060}]}""")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        await Server.WaitForPeersAsync();
        var body = await (await Admin.GetAsync(new Uri("/api/dashboard", UriKind.Relative))).JsonAsync();
        var trunk = body.GetProperty("trunks").EnumerateArray().Single(t => t.GetProperty("trunk").GetString() == "dash");
        Assert.Multiple(() =>
        {
            Assert.That(trunk.GetProperty("cap").GetInt32(), Is.EqualTo(7));
            Assert.That(trunk.GetProperty("cpsCap").GetInt32(), Is.EqualTo(2));
            Assert.That(trunk.GetProperty("inUse").GetInt32(), Is.Zero);
            Assert.That(trunk.GetProperty("label").GetString(), Is.EqualTo("pending"), "not probed yet");
            Assert.That(trunk.GetProperty("servers")[0].GetProperty("state").GetString(), Is.EqualTo("unknown"));
            Assert.That(trunk.GetProperty("rejected").GetProperty("channelCap").GetInt64(), Is.Zero);
            Assert.That(body.GetProperty("registrations").GetInt32(), Is.Zero);
            Assert.That(body.GetProperty("eventsAvailable").GetBoolean(), Is.True);
            Assert.That(body.GetProperty("events").GetArrayLength(), Is.Zero);
        });
    }
}
