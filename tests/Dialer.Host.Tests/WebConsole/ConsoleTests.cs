using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Dialer.Testing;
using Microsoft.Playwright;
using NUnit.Framework;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Host.Tests;

/// <summary>
/// The web console in a real browser against the real app (ApiServer): sign-in, phones with a SIPp registration,
/// trunk errors next to their fields, the live dashboard under SIPp load, viewer read-only, 412 conflicts.
/// Screenshots of each page go to TestResults/console/.
/// </summary>
// Runs alone: a browser and SIPp load together are what this machine's two cores can take.
[NonParallelizable]
public sealed partial class ConsoleTests
{
    private ApiServer _server = null!;
    private HttpClient _admin = null!;
    private ConsoleBrowser _browser = null!;
    private ConsolePage _tab = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        _admin = _server.Client();
        _browser = await ConsoleBrowser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _browser.DisposeAsync();
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    [SetUp]
    public async Task OpenTab() => _tab = await ConsolePage.OpenAsync(_browser, _server.Address);

    [TearDown]
    public async Task CloseTab()
    {
        var problems = _tab.Problems;
        await _tab.DisposeAsync();
        Assert.That(problems, Is.Empty, "no script errors or CSP violations in the page");
    }

    private IPage Page => _tab.Page;

    private async Task CreateAsync(string path, string json)
    {
        var created = await _admin.PostJsonAsync(path, json);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task SignIn_WithTheBootstrapToken_ShowsTheDashboard_AndSurvivesAReload()
    {
        var response = await Page.GotoAsync("/admin/");
        Assert.That(await response!.HeaderValueAsync("content-security-policy"), Does.Contain("default-src 'self'").And.Contain("frame-ancestors 'none'"));
        await ConsoleBrowser.ScreenshotAsync(Page, "signin");
        await _tab.SignInAsync(ApiServer.AdminToken);
        await Expect(Page.Locator(".registrations")).ToHaveTextAsync(new Regex(@"^\d+ phones? registered"));
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Tokens" })).ToBeVisibleAsync();
        await Expect(Page.Locator("#who")).ToContainTextAsync("admin");
        await Page.ReloadAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page.GetByLabel("API token")).ToBeVisibleAsync();
        Assert.That(await Page.EvaluateAsync<string?>("() => sessionStorage.getItem('dialer.console.token')"), Is.Null, "signing out forgets the token");
    }

    [Test]
    public async Task SignIn_WithAWrongToken_IsRefusedWithAClearMessage()
    {
        await Page.GotoAsync("/admin/");
        await Page.GetByLabel("API token").FillAsync("not-a-real-token");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var alert = Page.Locator("#signin-error");
        await Expect(alert).ToBeVisibleAsync();
        await Expect(alert).ToContainTextAsync("The dialer refused this token (unknown or revoked token)");
        await Expect(Page.GetByLabel("API token")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToHaveCountAsync(0);
        await ConsoleBrowser.ScreenshotAsync(Page, "signin-refused");
    }

    [Test]
    public async Task NewPhone_RegisteredBySipp_IsShownRegisteredInTheListWithinTwoSeconds()
    {
        await _tab.SignInAsync(ApiServer.AdminToken);
        await _tab.GoAsync("/phones", "Phones");
        await Page.GetByRole(AriaRole.Link, new() { Name = "New phone" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "New phone" })).ToBeVisibleAsync();
        await Page.GetByLabel("Extension").FillAsync("2001");
        await Page.GetByLabel("Display name").FillAsync("Console agent");
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync("console-secret-1");
        await Page.GetByLabel("Codecs: add").SelectOptionAsync("G722");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Move G722 up" }).ClickAsync();
        await Page.GetByLabel("Caller ID").FillAsync("+15550001");
        await ConsoleBrowser.ScreenshotAsync(Page, "phone-new");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create phone" }).ClickAsync();
        await Expect(Page.GetByText("Created phone 2001.")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Password", new() { Exact = true })).ToHaveValueAsync("");
        var stored = await (await _admin.GetAsync(new Uri("/api/phones/2001", UriKind.Relative))).JsonAsync();
        Assert.That(stored.GetProperty("codecs").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "PCMU", "G722", "PCMA" }));
        Assert.That(stored.GetProperty("callerId").GetString(), Is.EqualTo("+15550001"));

        await _tab.GoAsync("/phones", "Phones");
        var row = Page.Locator("tr[data-extension='2001']");
        await Expect(row.Locator(".badge-unregistered")).ToBeVisibleAsync();
        await _server.WaitForPeersAsync();
        var register = await SippPhone.RunAsync("register", _server.SipPort(), "2001", "console-secret-1");
        Assert.That(register.ExitCode, Is.Zero, register.Output);
        await Expect(row.Locator(".badge-registered")).ToBeVisibleAsync(new() { Timeout = 2000 });
        await Expect(row.Locator(".contacts")).ToContainTextAsync("sip:2001@127.0.0.1");
        await ConsoleBrowser.ScreenshotAsync(Page, "phones");
        await Page.Locator("#phones-q").FillAsync("nobody-matches");
        await Expect(Page.GetByText("No phone matches")).ToBeVisibleAsync();
        await Page.Locator("#phones-q").FillAsync("Console agent");
        await Expect(row).ToBeVisibleAsync();
        await Expect(Page.Locator(".page-info")).ToHaveTextAsync("1–1 of 1");
    }

    [Test]
    public async Task NewTrunk_WithAChannelCapOfZero_ShowsTheErrorNextToTheCap_AndOnceFixedIsListed()
    {
        await _tab.SignInAsync(ApiServer.AdminToken);
        await _tab.GoAsync("/trunks/new", "New trunk");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("console-carrier");
        await Page.GetByLabel("Channel cap").FillAsync("0");
        await Page.GetByLabel("Host", new() { Exact = true }).FillAsync("192.0.2.10");
        await Page.GetByLabel("Port", new() { Exact = true }).FillAsync("70000");
        await Page.GetByLabel("ACL (carrier networks)").FillAsync("203.0.113.0/24\nnot-a-network");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create trunk" }).ClickAsync();

        var cap = Page.Locator(".field[data-field='channelCap']");
        await Expect(cap.Locator(".error")).ToBeVisibleAsync();
        await Expect(cap.Locator(".error")).ToContainTextAsync("must be");
        await Expect(cap.Locator("input")).ToHaveAttributeAsync("aria-invalid", "true");
        var describedBy = await cap.Locator("input").GetAttributeAsync("aria-describedby");
        Assert.That(describedBy, Does.Contain(await cap.Locator(".error").GetAttributeAsync("id")), "the cap field is described by its error");
        await Expect(Page.Locator(".field[data-field='servers[0].port'] .error")).ToContainTextAsync("must be");
        await Expect(Page.Locator(".field[data-field='acl'] .error")).ToContainTextAsync("acl[1]");
        await Expect(Page.Locator(".error-summary")).ToContainTextAsync("Channel cap");
        await ConsoleBrowser.ScreenshotAsync(Page, "trunk-errors");

        await Page.GetByLabel("Channel cap").FillAsync("12");
        await Page.GetByLabel("Port", new() { Exact = true }).FillAsync("5060");
        await Page.GetByLabel("ACL (carrier networks)").FillAsync("203.0.113.0/24");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create trunk" }).ClickAsync();
        await Expect(Page.GetByText("Created trunk console-carrier.")).ToBeVisibleAsync();
        var row = Page.Locator("tr[data-trunk='console-carrier']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator(".channels")).ToHaveTextAsync("0 / 12");
        await ConsoleBrowser.ScreenshotAsync(Page, "trunks");
    }

    [Test]
    public async Task Dashboard_WhileSippLoadRunsThroughATrunk_ChannelsBarMoves_AndRejectionsRiseAtTheCap()
    {
        var port = LoopbackPorts.Free();
        await CreateAsync("/api/trunks", $$"""{"name":"loaded","channelCap":3,"dialPrefix":"81","servers":[{"host":"127.0.0.1","port":{{port}}}]}""");
        await _server.WaitForPeersAsync();
        await using var carrier = SippProcess.Start(Template("carrier-answer"), ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1"]);
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the SIPp carrier listens");
        await _tab.SignInAsync(ApiServer.AdminToken);
        var card = Page.Locator(".trunk-card[data-trunk='loaded']");
        await Expect(card.Locator(".channels-text")).ToHaveTextAsync(new Regex("^0 / 3 in use"));

        // 3 channels, calls held 2 s, 8 calls per second for 3 s: the cap is hit and most calls are refused.
        var load = DialAsync("815550000", calls: 24, rate: 8, holdMs: 2000);
        await Expect(card).ToHaveAttributeAsync("data-in-use", new Regex("^[1-3]$"));
        await Expect(card.Locator(".rejected-channelCap")).ToHaveTextAsync(new Regex("^[1-9][0-9]*$"));
        var meter = await card.Locator("meter").EvaluateAsync<double[]>("m => [m.value, m.max]");
        Assert.That(meter[1], Is.EqualTo(3), "the bar's scale is the cap");
        await ConsoleBrowser.ScreenshotAsync(Page, "dashboard-load");
        var dialer = await load;
        Assert.That(dialer.Output, Does.Contain("503"), "SIPp saw the edge refuse calls at the cap");
        await Expect(card).ToHaveAttributeAsync("data-in-use", "0");
        var rejected = int.Parse(await card.Locator(".rejected-channelCap").InnerTextAsync(), CultureInfo.InvariantCulture);
        var channels = (await (await _admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync()).EnumerateArray()
            .Single(t => t.GetProperty("trunk").GetString() == "loaded");
        Assert.That(rejected, Is.EqualTo(channels.GetProperty("rejected").GetProperty("channelCap").GetInt64()), "the counter shows the API's count");
        Assert.That(await Page.Locator("svg.chart polyline[data-series='loaded']").GetAttributeAsync("points"), Is.Not.Empty, "the hour chart has samples");
        await ConsoleBrowser.ScreenshotAsync(Page, "dashboard");

        await _tab.GoAsync("/trunks/loaded", "Trunk loaded");
        await Expect(Page.Locator(".trunk-card .channels-text")).ToHaveTextAsync(new Regex("^0 / 3 in use \\(peak 3\\)"));
        await Expect(Page.Locator("svg.chart polyline[data-series='loaded']")).ToHaveAttributeAsync("points", new Regex(@"\d"));
        await ConsoleBrowser.ScreenshotAsync(Page, "trunk-page");
    }

    private static string Template(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sipp", name + ".xml"));

    private async Task<Sipp.Result> DialAsync(string number, int calls, int rate, int holdMs)
    {
        var scenario = Path.Combine(Path.GetTempPath(), $"console-load-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(scenario, Template("dialer-load").Replace("{extension}", number, StringComparison.Ordinal)
            .Replace("{hold}", holdMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{campaign}", "none", StringComparison.Ordinal));
        try
        {
            return await Sipp.RunAsync(["-sf", scenario, "-i", "127.0.0.1", "-p", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "-t", "u1",
                "-m", calls.ToString(CultureInfo.InvariantCulture), "-r", rate.ToString(CultureInfo.InvariantCulture), "-l", "100",
                $"127.0.0.1:{_server.SipPort()}"], TimeSpan.FromSeconds(30));
        }
        finally
        {
            File.Delete(scenario);
        }
    }
}
