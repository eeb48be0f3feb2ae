using System.Text.Json;
using Dapper;
using Dialer.Peers.Health;

namespace Dialer.Peers.Storage;

/// <summary>Health reports and server state changes in MariaDB (sql/004_health.sql).</summary>
public sealed class HealthStore(PeerDatabase database)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public async Task WriteAsync(IReadOnlyCollection<HealthReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO health_reports (trunk, label, reason, created_at, body) VALUES (@Trunk, @Label, @Reason, @CreatedAt, @Body)
            """, reports.Select(r => new
        {
            r.Trunk,
            r.Label,
            Reason = r.Reason.Length > 1000 ? r.Reason[..1000] : r.Reason,
            CreatedAt = r.At.UtcDateTime,
            Body = JsonSerializer.Serialize(r, s_json),
        }), cancellationToken: cancellationToken));
    }

    /// <summary>Stores a state change; false when another node already stored the same change (same key).</summary>
    public async Task<bool> WriteAsync(HealthEvent change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            INSERT IGNORE INTO health_events (trunk, server, from_state, to_state, cause, created_at, change_key)
            VALUES (@Trunk, @Server, @From, @To, @Cause, @At, @Key)
            """, new
        {
            change.Trunk,
            change.Server,
            change.From,
            change.To,
            Cause = change.Cause.Length > 500 ? change.Cause[..500] : change.Cause,
            At = change.At.UtcDateTime,
            Key = change.Key is { Length: > 200 } key ? key[..200] : change.Key,
        }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>The newest report of each trunk (or of one), by trunk name.</summary>
    public async Task<IReadOnlyList<HealthReport>> LatestAsync(string? trunk = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var bodies = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT r.body FROM health_reports r
            JOIN (SELECT MAX(id) AS id FROM health_reports WHERE @trunk IS NULL OR trunk = @trunk GROUP BY trunk) newest ON newest.id = r.id
            ORDER BY r.trunk
            """, new { trunk }, cancellationToken: cancellationToken));
        return [.. bodies.Select(Read)];
    }

    /// <summary>Reports newest first, optionally of one trunk and since a time.</summary>
    public async Task<IReadOnlyList<HealthReport>> HistoryAsync(string? trunk, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var bodies = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT body FROM health_reports
            WHERE (@trunk IS NULL OR trunk = @trunk) AND (@since IS NULL OR created_at >= @since)
            ORDER BY id DESC LIMIT @limit
            """, new { trunk, since = since?.UtcDateTime, limit }, cancellationToken: cancellationToken));
        return [.. bodies.Select(Read)];
    }

    /// <summary>Server state changes newest first, optionally of one trunk and since a time.</summary>
    public async Task<IReadOnlyList<HealthEvent>> EventsAsync(string? trunk, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition("""
            SELECT trunk, server, from_state AS FromState, to_state AS ToState, cause, created_at AS CreatedAt FROM health_events
            WHERE (@trunk IS NULL OR trunk = @trunk) AND (@since IS NULL OR created_at >= @since)
            ORDER BY id DESC LIMIT @limit
            """, new { trunk, since = since?.UtcDateTime, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new HealthEvent(r.Trunk, r.Server, r.FromState, r.ToState, r.Cause,
            new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))))];
    }

    /// <summary>Deletes reports, events and shared observations older than <paramref name="before"/>; returns how many rows went.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var cutoff = new { before = before.UtcDateTime };
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM health_reports WHERE created_at < @before", cutoff, cancellationToken: cancellationToken))
            + await connection.ExecuteAsync(new CommandDefinition("DELETE FROM health_events WHERE created_at < @before", cutoff, cancellationToken: cancellationToken))
            + await connection.ExecuteAsync(new CommandDefinition("DELETE FROM health_observations WHERE created_at < @before", cutoff, cancellationToken: cancellationToken));
    }

    private static HealthReport Read(string body) =>
        JsonSerializer.Deserialize<HealthReport>(body, s_json) ?? throw new InvalidDataException("empty health report");

    private sealed class EventRow
    {
        public string Trunk { get; set; } = "";
        public string Server { get; set; } = "";
        public string FromState { get; set; } = "";
        public string ToState { get; set; } = "";
        public string Cause { get; set; } = "";
        public DateTime CreatedAt { get; set; }
    }
}
