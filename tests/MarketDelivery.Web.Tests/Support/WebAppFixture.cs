using Deque.AxeCore.Playwright;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Microsoft.Playwright;

namespace MarketDelivery.Web.Tests.Support;

/// <summary>
/// One real server (Kestrel port, PostgreSQL database of its own) and one Chromium for a test class; each user gets
/// their own browser context (own storage, own viewport).
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public static readonly ViewportSize Phone = new() { Width = 360, Height = 740 };
    public static readonly ViewportSize Tablet = new() { Width = 1024, Height = 768 };

    /// <summary>Debian's Chromium unless PLAYWRIGHT_CHROMIUM says otherwise (Playwright never downloads a browser here).</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private PostgresTestDatabase? _database;
    private IPlaywright? _playwright;

    public MarketServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress => Server.BaseAddress;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        Server = new MarketServer(_database.ConnectionString);
        Http = Server.Start();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>
    /// A new user: own context (storage, viewport), Korean locale, pages on the test server; <paramref name="device"/>
    /// may grant permissions and set a geolocation.
    /// </summary>
    public async Task<IPage> NewUserPage(ViewportSize viewport, BrowserNewContextOptions? device = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = viewport,
            Locale = "ko-KR",
            HasTouch = viewport.Width < 700,
            Permissions = device?.Permissions,
            Geolocation = device?.Geolocation,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
        await _database!.DisposeAsync();
    }
}

/// <summary>Accessibility checks (axe-core) and screenshots at both sizes for each page a test visits.</summary>
public static class PageChecks
{
    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    /// <summary>
    /// Runs axe-core at the page's size and at the other size (phone ↔ tablet), fails on serious or critical violations,
    /// and saves a full-page screenshot at each size as <c>TestResults/screenshots/{name}-{phone|tablet}.png</c>.
    /// </summary>
    public static async Task CheckAtBothSizes(IPage page, string name)
    {
        var original = page.ViewportSize!;
        var sizes = original.Width < 700 ? new[] { WebAppFixture.Phone, WebAppFixture.Tablet } : [WebAppFixture.Tablet, WebAppFixture.Phone];
        foreach (var size in sizes)
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
            var label = size.Width < 700 ? "phone" : "tablet";
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}-{label}.png"), FullPage = true });
            await AssertAccessible(page, $"{name} ({label})");
        }

        await page.SetViewportSizeAsync(original.Width, original.Height);
    }

    public static async Task AssertAccessible(IPage page, string what)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{what}: axe-core found serious/critical violations:\n" + string.Join("\n", bad.Select(v =>
            $"- {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")));
    }

    private static string FindScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MarketDelivery.sln")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
