using Dapper;

namespace Dialer.Peers.Storage;

/// <summary>A confirmed dialog as stored (sql/009_dialogs.sql); the edge maps it to and from its own dialog type.</summary>
public sealed record DialogRow
{
    public required string Id { get; init; }
    public required string CallId { get; init; }
    public required string CallerTag { get; init; }
    public required string Kind { get; init; }
    public string? Trunk { get; init; }
    public string? Campaign { get; init; }
    public bool Reserved { get; init; }
    public string Number { get; init; } = "";
    public required string CallerSource { get; init; }
    public required string CallerTarget { get; init; }
    /// <summary>One line per confirmed leg: tag, source, target separated by tabs.</summary>
    public string Legs { get; init; } = "";
    public string Server { get; init; } = "";
    public DateTime SetupAt { get; init; }
    public DateTime? AnsweredAt { get; init; }
    public DateTime ExpiresAt { get; init; }
}

/// <summary>Keeps the edge's confirmed dialogs in MariaDB; written behind, read back at start.</summary>
public sealed class DialogStore(PeerDatabase database)
{
    public async Task UpsertAsync(IReadOnlyCollection<DialogRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }
        // One statement per batch of rows, not one per row: a busy edge confirms thousands of calls a second.
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(200))
        {
            var values = new System.Text.StringBuilder();
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                values.Append(i == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"(@i{i},@c{i},@t{i},@k{i},@tr{i},@ca{i},@r{i},@n{i},@cs{i},@ct{i},@l{i},@s{i},@sa{i},@aa{i},@ea{i})");
                parameters.Add($"i{i}", r.Id);
                parameters.Add($"c{i}", r.CallId);
                parameters.Add($"t{i}", r.CallerTag);
                parameters.Add($"k{i}", r.Kind);
                parameters.Add($"tr{i}", r.Trunk);
                parameters.Add($"ca{i}", r.Campaign);
                parameters.Add($"r{i}", r.Reserved);
                parameters.Add($"n{i}", r.Number);
                parameters.Add($"cs{i}", r.CallerSource);
                parameters.Add($"ct{i}", r.CallerTarget);
                parameters.Add($"l{i}", r.Legs);
                parameters.Add($"s{i}", r.Server);
                parameters.Add($"sa{i}", r.SetupAt);
                parameters.Add($"aa{i}", r.AnsweredAt);
                parameters.Add($"ea{i}", r.ExpiresAt);
            }
            await connection.ExecuteAsync($"""
                INSERT INTO edge_dialogs (id, call_id, caller_tag, kind, trunk, campaign, reserved, number, caller_source, caller_target, legs, server,
                    setup_at, answered_at, expires_at)
                VALUES {values}
                ON DUPLICATE KEY UPDATE legs = VALUES(legs), server = VALUES(server), answered_at = VALUES(answered_at), expires_at = VALUES(expires_at)
                """, parameters);
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM edge_dialogs WHERE id IN @ids", new { ids });
    }

    /// <summary>Dialogs that have not timed out at <paramref name="now"/>; the rest are deleted on the way.</summary>
    public async Task<IReadOnlyList<DialogRow>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM edge_dialogs WHERE expires_at <= @now", new { now = now.UtcDateTime });
        return [.. await connection.QueryAsync<DialogRow>("""
            SELECT id, call_id AS CallId, caller_tag AS CallerTag, kind, trunk, campaign, reserved, number, caller_source AS CallerSource,
                caller_target AS CallerTarget, legs, server, setup_at AS SetupAt, answered_at AS AnsweredAt, expires_at AS ExpiresAt
            FROM edge_dialogs ORDER BY setup_at
            """)];
    }
}
