using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NUnit.Framework;
using static Microsoft.Playwright.Assertions;

namespace Dialer.Host.Tests;

/// <summary>Viewer tokens, stale edits, tokens and every page at desktop and phone widths.</summary>
public sealed partial class ConsoleTests
{
    private async Task<string> NewTokenAsync(string name, string role)
    {
        var created = await _admin.PostJsonAsync("/api/tokens", $$"""{"name":"{{name}}","role":"{{role}}"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await created.JsonAsync()).GetProperty("token").GetString()!;
    }

    [Test]
    public async Task ViewerToken_SeesTheConsoleReadOnly_WithNoEditControls()
    {
        await CreateAsync("/api/phones", """{"extension":"2201","password":"viewer-test-1","displayName":"Seen"}""");
        await CreateAsync("/api/trunks", """{"name":"viewed","channelCap":4,"servers":[{"host":"192.0.2.20"}]}""");
        await CreateAsync("/api/campaigns", """{"name":"viewed-campaign","allocations":[{"trunk":"viewed","reserved":2,"restriction":"MAXIMUM_LIMIT"}]}""");
        await _tab.SignInAsync(await NewTokenAsync("console-viewer", "viewer"));
        await Expect(Page.Locator("#who")).ToContainTextAsync("viewer, read-only");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Tokens" })).ToHaveCountAsync(0);

        await _tab.GoAsync("/phones", "Phones");
        await Expect(Page.Locator("tr[data-extension='2201']")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "New phone" })).ToHaveCountAsync(0);
        await _tab.GoAsync("/phones/2201", "Phone 2201");
        await Expect(Page.GetByText("Read-only: your token is a viewer token.")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Display name")).ToBeDisabledAsync();
        await Expect(Page.GetByLabel("Display name")).ToHaveValueAsync("Seen");
        await ExpectNoEditButtonsAsync();
        await ConsoleBrowser.ScreenshotAsync(Page, "viewer-phone");

        await _tab.GoAsync("/trunks", "Trunks");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "New trunk" })).ToHaveCountAsync(0);
        await _tab.GoAsync("/trunks/viewed", "Trunk viewed");
        await Expect(Page.GetByLabel("Channel cap")).ToBeDisabledAsync();
        await ExpectNoEditButtonsAsync();
        await _tab.GoAsync("/campaigns/viewed-campaign", "Campaign viewed-campaign");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Add allocation" })).ToHaveCountAsync(0);
        await ExpectNoEditButtonsAsync();
    }

    private async Task ExpectNoEditButtonsAsync()
    {
        foreach (var name in new[] { "Save", "Create", "Delete", "Remove" })
        {
            await Expect(Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^" + name) })).ToHaveCountAsync(0);
        }
    }

    [Test]
    public async Task StaleEdit_GetsTheConflictMessage_AndTheCurrentValues()
    {
        await CreateAsync("/api/phones", """{"extension":"2301","password":"conflict-test-1","displayName":"Before"}""");
        await _tab.SignInAsync(ApiServer.AdminToken);
        await _tab.GoAsync("/phones/2301", "Phone 2301");
        await Expect(Page.GetByLabel("Display name")).ToHaveValueAsync("Before");
        // Someone else saves first.
        var elsewhere = await _admin.PutJsonAsync("/api/phones/2301", """{"displayName":"Changed elsewhere","callerId":"5550100"}""");
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await Page.GetByLabel("Display name").FillAsync("Mine");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        var notice = Page.Locator(".conflict");
        await Expect(notice.GetByRole(AriaRole.Heading, new() { Name = "Someone else changed this phone" })).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("Your changes were not saved");
        await Expect(notice.Locator("tr", new() { HasText = "displayName" })).ToContainTextAsync("Mine");
        await Expect(notice.Locator("tr", new() { HasText = "callerId" })).ToHaveCountAsync(0, new() { Timeout = 100 });
        await Expect(Page.GetByLabel("Display name")).ToHaveValueAsync("Changed elsewhere");
        await Expect(Page.GetByLabel("Caller ID")).ToHaveValueAsync("5550100");
        await ConsoleBrowser.ScreenshotAsync(Page, "conflict");

        // The form now holds the current version: saving again goes through.
        await Page.GetByLabel("Display name").FillAsync("Mine");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(Page.Locator(".form-status")).ToHaveTextAsync(new Regex(@"^Saved \(version \d+\)\.$"));
        var stored = await (await _admin.GetAsync(new Uri("/api/phones/2301", UriKind.Relative))).JsonAsync();
        Assert.That(stored.GetProperty("displayName").GetString(), Is.EqualTo("Mine"));
        Assert.That(stored.GetProperty("callerId").GetString(), Is.EqualTo("5550100"), "the other admin's change was kept");
    }

    [Test]
    public async Task Tokens_CreateShowsTheTokenOnce_AndRevokeRefusesIt()
    {
        await _tab.SignInAsync(ApiServer.AdminToken);
        await _tab.GoAsync("/tokens", "Tokens");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("console-made");
        await Page.GetByLabel("Role").SelectOptionAsync("viewer");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var shown = Page.Locator("#new-token-value");
        await Expect(shown).ToHaveValueAsync(new Regex(".{20,}"));
        var token = await shown.InputValueAsync();
        await ConsoleBrowser.ScreenshotAsync(Page, "tokens");
        using (var viewer = _server.Client(token))
        {
            var who = await (await viewer.GetAsync(new Uri("/api/whoami", UriKind.Relative))).JsonAsync();
            Assert.That(who.GetProperty("role").GetString(), Is.EqualTo("viewer"));
        }
        await _tab.GoAsync("/audit", "Audit log");
        await _tab.GoAsync("/tokens", "Tokens");
        await Expect(Page.Locator("tr[data-token='console-made']")).ToBeVisibleAsync();
        Assert.That(await Page.ContentAsync(), Does.Not.Contain(token), "the token is shown only once");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Revoke console-made" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke console-made" }).ClickAsync();
        await Expect(Page.Locator("tr[data-token='console-made']")).ToHaveCountAsync(0);
        using var revoked = _server.Client(token);
        Assert.That((await revoked.GetAsync(new Uri("/api/whoami", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task EveryPage_Renders_AtDesktopAndPhoneWidths_WithoutSidewaysScrolling()
    {
        await CreateAsync("/api/trunks", """{"name":"pictured","channelCap":10,"dialPrefix":"9","servers":[{"host":"192.0.2.30","port":5060}]}""");
        await CreateAsync("/api/campaigns", """{"name":"pictured-a","allocations":[{"trunk":"pictured","reserved":4,"restriction":"OVERFLOW_ALLOWED"}]}""");
        await CreateAsync("/api/campaigns", """{"name":"pictured-b","allocations":[{"trunk":"pictured","reserved":3,"restriction":"MAXIMUM_LIMIT"}]}""");
        await CreateAsync("/api/phones", """{"extension":"2401","password":"pictured-pass-1","displayName":"Pictured"}""");
        (string Route, string Heading, string Name)[] pages =
        [
            ("/", "Dashboard", "page-dashboard"), ("/phones", "Phones", "page-phones"), ("/phones/2401", "Phone 2401", "page-phone"),
            ("/trunks", "Trunks", "page-trunks"), ("/trunks/pictured", "Trunk pictured", "page-trunk"), ("/campaigns", "Campaigns", "page-campaigns"),
            ("/campaigns/pictured-a", "Campaign pictured-a", "page-campaign"), ("/tokens", "Tokens", "page-tokens"), ("/audit", "Audit log", "page-audit"),
        ];
        await _tab.SignInAsync(ApiServer.AdminToken);
        foreach (var (width, height) in new[] { (1280, 900), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            foreach (var (route, heading, name) in pages)
            {
                await _tab.GoAsync(route, heading);
                var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Assert.That(overflow, Is.LessThanOrEqualTo(0), $"{route} at {width} px scrolls sideways");
                await ConsoleBrowser.ScreenshotAsync(Page, $"{name}-{width}");
            }
        }
        await Page.SetViewportSizeAsync(1280, 900);
        await _tab.GoAsync("/campaigns", "Campaigns");
        var pictured = Page.Locator("tr[data-trunk='pictured']");
        await Expect(pictured.Locator("td.left")).ToHaveTextAsync("3");
        await Expect(pictured.Locator("svg.stack")).ToHaveAttributeAsync("aria-label", "pictured: 7 of 10 channels reserved, 3 left");
        await _tab.GoAsync("/audit", "Audit log");
        await Page.GetByLabel("Entity").SelectOptionAsync("phone");
        await Page.GetByLabel("Key (extension or name)").FillAsync("2401");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(Page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(Page.Locator("tbody tr")).ToContainTextAsync("create phone 2401");
    }
}
