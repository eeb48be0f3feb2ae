namespace Dialer.Host.WebConsole;

/// <summary>
/// /admin: the web console's static files on the admin listener. The files carry no data and need no token; the
/// pages talk to the JSON API with the bearer token the admin signs in with.
/// </summary>
public static class ConsoleEndpoints
{
    public const string BasePath = "/admin";

    /// <summary>
    /// Scripts, styles and data only from this origin, no inline script or style, never framed (clickjacking), no
    /// plugins, no base-URI games; forms post only here. The console builds its DOM with textContent, never HTML strings.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddDialerConsole(this IServiceCollection services) =>
        services.AddSingleton(_ => ConsoleAssets.Load(typeof(ConsoleEndpoints).Assembly));

    /// <summary>Adds the security headers to every response under /admin, errors and 304s included.</summary>
    public static IApplicationBuilder UseDialerConsoleHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(BasePath, StringComparison.OrdinalIgnoreCase))
            {
                var headers = context.Response.Headers;
                context.Response.OnStarting(() =>
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "no-referrer";
                    headers["Cross-Origin-Opener-Policy"] = "same-origin";
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });

    public static IEndpointRouteBuilder MapDialerConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet(BasePath + "/{**path}", Serve).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>An embedded file, revalidated on every use (no-cache) so an upgraded dialer is seen at once.</summary>
    public static IResult Serve(string? path, HttpContext context, ConsoleAssets assets)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(assets);
        // Routing treats /admin and /admin/ alike; the pages use paths below /admin/, so /admin itself moves there.
        if (!context.Request.Path.Value!.EndsWith('/') && string.IsNullOrEmpty(path))
        {
            return TypedResults.Redirect(BasePath + "/");
        }
        var asset = assets.Find(path ?? "");
        if (asset is null)
        {
            return TypedResults.Text("not a console page\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Contains(asset.ETag, StringComparison.Ordinal)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(asset.Content, asset.ContentType, lastModified: null, entityTag: null);
    }
}
