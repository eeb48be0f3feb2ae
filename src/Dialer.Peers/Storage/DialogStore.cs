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
    /// <summary>One line per confirmed leg: tag, source, target and the callee's CSeq separated by tabs.</summary>
    public string Legs { get; init; } = "";
    /// <summary>One line per confirmed leg: how the edge itself reaches each side (sql/011_dialog_paths.sql).</summary>
    public string? Paths { get; init; }
    public uint CallerCSeq { get; init; }
    public string Server { get; init; } = "";
    public DateTime SetupAt { get; init; }
    public DateTime? AnsweredAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    /// <summary>The node holding the dialog ('' for an edge alone).</summary>
    public string Node { get; init; } = "";
}

/// <summary>
/// Keeps the edge's confirmed dialogs in MariaDB; written behind, read back at start. Each row names the node that holds
/// the dialog (sql/014_cluster.sql; '' for an edge alone), and a node restores only its own.
/// </summary>
public sealed partial class DialogStore(PeerDatabase database, string node = "")
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
        await BatchInsert.ExecuteAsync(connection, """
            INSERT INTO edge_dialogs (id, call_id, caller_tag, kind, trunk, campaign, reserved, number, caller_source, caller_target, legs, server,
                setup_at, answered_at, expires_at, paths, caller_cseq, node)
            """, """
            ON DUPLICATE KEY UPDATE legs = VALUES(legs), server = VALUES(server), answered_at = VALUES(answered_at), expires_at = VALUES(expires_at),
                paths = VALUES(paths), caller_cseq = VALUES(caller_cseq)
            """, rows, r => [r.Id, r.CallId, r.CallerTag, r.Kind, r.Trunk, r.Campaign, r.Reserved, r.Number, r.CallerSource, r.CallerTarget, r.Legs,
                r.Server, r.SetupAt, r.AnsweredAt, r.ExpiresAt, r.Paths, r.CallerCSeq, node]);
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
        return [.. await connection.QueryAsync<DialogRow>($"{Columns} WHERE node = @node ORDER BY setup_at", new { node })];
    }

    private const string Columns = """
        SELECT id, call_id AS CallId, caller_tag AS CallerTag, kind, trunk, campaign, reserved, number, caller_source AS CallerSource,
            caller_target AS CallerTarget, legs, server, setup_at AS SetupAt, answered_at AS AnsweredAt, expires_at AS ExpiresAt,
            paths, caller_cseq AS CallerCSeq, node
        FROM edge_dialogs
        """;
}
