using System.Globalization;
using Dialer.Health;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>GET /api/health (the latest labeled report per trunk) and GET /api/health/history (past reports, newest first).</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", Latest).WithTags("Health").RequireAuthorization(Policies.Read);
        app.MapGet("/api/health/history", History).WithTags("Health").RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>
    /// The newest stored report of each trunk (written every report interval and at every server state change) with the
    /// channels in use now; a trunk with none stored yet gets one made now.
    /// </summary>
    public static async Task<Ok<HealthReport[]>> Latest(HttpRequest request, HealthStore store, PeerSnapshotSource peers,
        HealthReporter reporter, HealthRecorder recorder, CancellationToken cancellationToken)
    {
        var trunk = request.Query["trunk"].ToString() is { Length: > 0 } t ? t : null;
        var stored = (await store.LatestAsync(trunk, cancellationToken)).ToDictionary(r => r.Trunk, StringComparer.OrdinalIgnoreCase);
        var reports = peers.Current.Trunks.Values
            .Where(candidate => trunk is null || string.Equals(candidate.Name, trunk, StringComparison.OrdinalIgnoreCase))
            .OrderBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Select(candidate => stored.TryGetValue(candidate.Name, out var report)
                ? reporter.WithLiveChannels(report, candidate)
                : reporter.Report(candidate, recorder.Window, advance: false));
        return TypedResults.Ok(reports.ToArray());
    }

    public static async Task<Ok<HealthReport[]>> History(HttpRequest request, HealthStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var trunk = request.Query["trunk"].ToString() is { Length: > 0 } t ? t : null;
        DateTimeOffset? since = null;
        if (request.Query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                since = parsed;
            }
            else
            {
                errors.Add("since", "must be a date and time such as 2026-11-21T08:00:00Z");
            }
        }
        var limit = 100;
        if (request.Query.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            errors.Add("limit", "must be a whole number from 1 to 1000");
        }
        errors.ThrowIfAny();
        return TypedResults.Ok((await store.HistoryAsync(trunk, since, limit, cancellationToken)).ToArray());
    }
}
