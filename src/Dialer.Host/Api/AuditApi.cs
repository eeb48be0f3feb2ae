using System.Globalization;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>/api/audit: who changed what and when, newest first; page with ?before=ID.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", ListAudit).WithTags("Audit").RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Ok<AuditView[]>> ListAudit(HttpRequest request, PeerRepository repository, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var entity = request.Query["entity"].ToString() is { Length: > 0 } e ? e : null;
        if (entity is not null && entity is not ("phone" or "trunk" or "campaign" or "token"))
        {
            errors.Add("entity", "must be phone, trunk, campaign or token");
        }
        var key = request.Query["key"].ToString() is { Length: > 0 } k ? k : null;
        var limit = 100;
        if (request.Query.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            errors.Add("limit", "must be a whole number from 1 to 1000");
        }
        long? before = null;
        if (request.Query.TryGetValue("before", out var beforeText))
        {
            if (long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                before = id;
            }
            else
            {
                errors.Add("before", "must be an audit entry id");
            }
        }
        errors.ThrowIfAny();
        return TypedResults.Ok((await repository.ListAuditAsync(entity, key, limit, before, cancellationToken)).Select(AuditView.Of).ToArray());
    }
}
