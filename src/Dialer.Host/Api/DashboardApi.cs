using Dialer.Edge;
using Dialer.Health;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>
/// GET /api/dashboard: one compact answer for the console's live dashboard, polled at most once a second: per trunk
/// the live health label (made now, not the last stored report), channels, admissions and rejections, each server's
/// state and last RTT; the registration counts; the latest health events.
/// </summary>
public static class DashboardApi
{
    private const int EventCount = 10;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dashboard", Dashboard).WithTags("Dashboard").RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Ok<DashboardView>> Dashboard(EdgeService edge, PeerSnapshotSource peers, HealthReporter reporter,
        HealthRecorder recorder, HealthStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(recorder);
        var snapshot = peers.Current;
        var channels = ChannelsApi.ListChannels(edge, peers).Value!;
        var trunks = channels.Select(row =>
        {
            var report = reporter.Report(snapshot.Trunks[row.Trunk], recorder.Window, advance: false);
            return new DashboardTrunk(row.Trunk, row.Active, report.Label, report.Reason, row.InUse, row.Cap, row.Peak, row.Admitted,
                row.CpsCap, row.Rejected, [.. report.Servers.Select(s => new DashboardServer(s.Host, s.Port, s.Transport, s.State, s.Cause, s.RttMs))]);
        }).ToArray();
        var bindings = edge.Location.All();
        // The live figures must not fail with the database: the events are then left out and say so.
        IReadOnlyList<HealthEvent> events = [];
        var eventsAvailable = true;
        try
        {
            events = await store.EventsAsync(null, null, EventCount, cancellationToken);
        }
        catch (Exception error) when (Dialer.Peers.Storage.DatabaseErrors.IsFailure(error))
        {
            eventsAvailable = false;
        }
        return TypedResults.Ok(new DashboardView(time.GetUtcNow(), bindings.Count,
            bindings.Select(b => b.Extension).Distinct(StringComparer.Ordinal).Count(), trunks, events, eventsAvailable));
    }
}

/// <param name="At">When the figures were read.</param>
/// <param name="Registrations">Live bindings.</param>
/// <param name="RegisteredPhones">Extensions with at least one live binding.</param>
/// <param name="Trunks">Every trunk of the peer snapshot, by name.</param>
/// <param name="Events">The latest server state changes, newest first.</param>
/// <param name="EventsAvailable">False when the database could not be read for the events.</param>
public sealed record DashboardView(DateTimeOffset At, int Registrations, int RegisteredPhones, IReadOnlyList<DashboardTrunk> Trunks,
    IReadOnlyList<HealthEvent> Events, bool EventsAvailable);

/// <summary>One trunk now; <c>admitted</c> and <c>rejected</c> are totals since start, so a client derives rates from two samples.</summary>
public sealed record DashboardTrunk(string Trunk, bool Active, string Label, string Reason, int InUse, int Cap, int Peak, long Admitted,
    int CpsCap, RejectedView Rejected, IReadOnlyList<DashboardServer> Servers);

public sealed record DashboardServer(string Host, int? Port, string Transport, string State, string Cause, double? RttMs);
