using MarketDelivery.Server.Api;
using MarketDelivery.Domain.Markets;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace MarketDelivery.Server.Hosting;

/// <summary>
/// The browser apps (landing page, customer, merchant…) served from the <c>web</c> folder by the server itself: one
/// origin, no extra process. Pages and modules are revalidated on every load (ETag), so a new build is seen at once.
/// </summary>
public static class WebApps
{
    public const string FolderName = "web";

    public static WebApplication UseMarketDeliveryWebApps(this WebApplication app)
    {
        var folder = FindFolder(app.Configuration["Web:Directory"], app.Environment.ContentRootPath);
        if (folder is null)
        {
            app.Logger.LogWarning("Web apps folder '{Folder}' not found; the root serves the API reference only.", FolderName);
            app.MapGet("/", () => Results.Redirect("/scalar/v1")).ExcludeFromDescription().Public();
            return app;
        }

        // What the pages need from configuration: a map tile URL template (none by default: no tiles, no internet).
        app.MapGet("/app-config.json", (IConfiguration config) => TypedResults.Ok(new WebConfigDto(
                string.IsNullOrWhiteSpace(config["Web:TileUrl"]) ? null : config["Web:TileUrl"],
                config["Web:TileAttribution"])))
            .ExcludeFromDescription()
            .Public();

        var files = new PhysicalFileProvider(folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }

    private static string? FindFolder(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        string[] candidates =
        [
            Path.Combine(contentRoot, FolderName),
            Path.Combine(AppContext.BaseDirectory, FolderName),
            Path.Combine(contentRoot, "src", "MarketDelivery.Server", FolderName),
        ];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "index.html")));
    }
}

/// <summary>Client configuration for the pages: <c>Web:TileUrl</c> (e.g. <c>https://tile.example/{z}/{x}/{y}.png</c>) and its attribution.</summary>
public sealed record WebConfigDto(string? TileUrl, string? TileAttribution);
