using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>GET /api/whoami: the calling token's name and role, so a client (the web console) knows whether it may write.</summary>
public static class WhoAmIApi
{
    public static IEndpointRouteBuilder MapWhoAmIApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/whoami", WhoAmI).WithTags("System").RequireAuthorization(Policies.Read);
        return app;
    }

    public static Ok<WhoAmIView> WhoAmI(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return TypedResults.Ok(new WhoAmIView(user.Identity?.Name ?? "", user.FindFirstValue(ClaimTypes.Role) ?? "viewer"));
    }
}

/// <summary>A token's name and role (admin or viewer).</summary>
public sealed record WhoAmIView(string Name, string Role);
