using Dialer.Edge;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>GET /api/registrations: the location service's live bindings (README.md, "Admin API").</summary>
public static class RegistrationsApi
{
    public static IEndpointRouteBuilder MapRegistrationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/registrations", ListRegistrations).WithTags("Registrations").RequireAuthorization(Policies.Read);
        return app;
    }

    public static Ok<RegistrationView[]> ListRegistrations(HttpRequest request, EdgeService edge, TimeProvider time)
    {
        var extension = request.Query["extension"].ToString();
        var now = time.GetUtcNow();
        return TypedResults.Ok(edge.Location.All()
            .Where(b => extension.Length == 0 || b.Extension == extension)
            .Select(b => new RegistrationView(b.Extension, b.Contact, $"{b.Protocol}:{b.Source}", b.Protocol,
                Math.Max(0, (int)(b.ExpiresAt - now).TotalSeconds), b.UserAgent, b.QMillis < 0 ? null : b.QMillis / 1000.0, b.Node))
            .ToArray());
    }
}

/// <summary>One live binding as the API shows it; <c>Node</c> is the cluster node holding its flow ('' alone).</summary>
public sealed record RegistrationView(string Extension, string Contact, string Source, string Transport, int ExpiresIn, string UserAgent, double? Q,
    string Node);
