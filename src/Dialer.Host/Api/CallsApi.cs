using Dialer.Edge;
using Dialer.Edge.Dialogs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>GET /api/calls: the edge's live dialogs (calls through it), oldest first; viewer tokens may read.</summary>
public static class CallsApi
{
    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/calls", ListCalls).WithTags("Calls").RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>Every live dialog; <c>?trunk=</c> and <c>?campaign=</c> narrow the list.</summary>
    public static Ok<CallView[]> ListCalls(EdgeService edge, string? trunk = null, string? campaign = null) =>
        TypedResults.Ok(edge.Dialogs.Live()
            .Where(d => d.State != DialogState.Terminated)
            .Where(d => trunk is null || string.Equals(d.Trunk?.Name, trunk, StringComparison.OrdinalIgnoreCase))
            .Where(d => campaign is null || string.Equals(d.Campaign, campaign, StringComparison.OrdinalIgnoreCase))
            .OrderBy(d => d.CreatedAt)
            .Select(CallView.Of)
            .ToArray());
}

/// <summary>One live call as the API shows it: <c>kind</c> trunk or extension, <c>state</c> early or confirmed.</summary>
public sealed record CallView(string Id, string CallId, string Kind, string State, string? Trunk, string? Campaign, string Number,
    string Caller, int Legs, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset ExpiresAt)
{
    public static CallView Of(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        return new(dialog.Id, dialog.CallId, dialog.Kind.ToString().ToLowerInvariant(), dialog.State.ToString().ToLowerInvariant(),
            dialog.Trunk?.Name, dialog.Campaign, dialog.Number, dialog.Caller.Source.ToString(), dialog.Legs.Count,
            dialog.CreatedAt, dialog.ConfirmedAt, dialog.ExpiresAt);
    }
}
