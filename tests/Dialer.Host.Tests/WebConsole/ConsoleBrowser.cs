using Microsoft.Playwright;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Headless Chromium from Debian (/usr/bin/chromium, installed by etc/test-deps.sh) driven by Playwright. Playwright
/// never downloads a browser here: it is pointed at the system one and PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assert.That(File.Exists(ChromiumPath), Is.True, "Chromium is installed (bash etc/test-deps.sh)");
        // A loaded two-core CI machine runs builds beside the browser: give page assertions 10 s, not 5.
        Assertions.SetDefaultExpectTimeout(10_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_arguments,
            Timeout = 30_000,
        });
        return new ConsoleBrowser(playwright, browser);
    }

    /// <summary>TestResults/console/ at the repository root (the folder holding Dialer.sln, above the test binaries).</summary>
    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    private static string FindScreenshotFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dialer.sln")))
        {
            directory = directory.Parent;
        }
        var root = directory?.FullName ?? AppContext.BaseDirectory;
        var folder = Path.Combine(root, "TestResults", "console");
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}

/// <summary>One browser tab on the console, recording script errors and CSP violations so a test can insist on none.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];

    private ConsolePage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("the server responded with a status of", StringComparison.Ordinal))
            {
                lock (_problems)
                {
                    _problems.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_problems)
            {
                _problems.Add(error);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Console errors (CSP violations are reported there) and uncaught exceptions so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    public static async Task<ConsolePage> OpenAsync(ConsoleBrowser browser, Uri server, int width = 1280, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(10_000);
        var page = await context.NewPageAsync();
        return new ConsolePage(context, page);
    }

    /// <summary>Opens /admin/, signs in with <paramref name="token"/> and waits for the dashboard.</summary>
    public async Task SignInAsync(string token)
    {
        await Page.GotoAsync("/admin/");
        await Page.GetByLabel("API token").FillAsync(token);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>Goes to a console page by its hash route ("/phones") and waits for its heading.</summary>
    public async Task GoAsync(string route, string heading)
    {
        await Page.EvaluateAsync("route => { location.hash = route; }", route);
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
