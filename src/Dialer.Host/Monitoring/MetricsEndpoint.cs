using System.Security.Cryptography;
using System.Text;
using Prometheus;

namespace Dialer.Host.Monitoring;

/// <summary>GET /metrics (Prometheus text, or OpenMetrics when asked) with the optional bearer token of Dialer:Metrics:Token.</summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Refuses /metrics without the token (401, <c>WWW-Authenticate: Bearer</c>); an empty token leaves it open.</summary>
    public static IApplicationBuilder UseMetricsToken(this IApplicationBuilder app, string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0)
        {
            return app;
        }
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase) && !Presents(context.Request, expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
                return;
            }
            await next(context);
        });
    }

    public static IEndpointConventionBuilder MapDialerMetrics(this IEndpointRouteBuilder app, DialerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        // The token (if any) is checked by UseMetricsToken, not by the admin API's token scheme.
        return app.MapMetrics(Path, metrics.Registry).AllowAnonymous().WithTags("Metrics");
    }

    /// <summary>Compares hashes in fixed time, so neither the token's bytes nor its length leak through timing.</summary>
    private static bool Presents(HttpRequest request, byte[] expected)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
