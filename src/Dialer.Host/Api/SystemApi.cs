using Dialer.Peers.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>/healthz (liveness, no token) and /api/version (the repository version the edge reloads on).</summary>
public static class SystemApi
{
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Healthz).WithTags("System").AllowAnonymous();
        app.MapGet("/api/version", Version).WithTags("System").RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>Always 200 while the process serves: a database outage must not get a live edge restarted.</summary>
    public static async Task<Ok<HealthzView>> Healthz(PeerDatabase database, CancellationToken cancellationToken)
    {
        string state;
        try
        {
            await database.VersionAsync(cancellationToken);
            state = "up";
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            state = "down";
        }
        return TypedResults.Ok(new HealthzView("ok", state));
    }

    public static async Task<Ok<VersionView>> Version(PeerRepository repository, CancellationToken cancellationToken) =>
        TypedResults.Ok(new VersionView(await repository.VersionAsync(cancellationToken)));
}

public sealed record HealthzView(string Status, string Database);

public sealed record VersionView(long Version);
