using System.Data;
using Dapper;
using MySqlConnector;

namespace Dialer.Peers.Storage;

/// <summary>An end left for the node holding a dialog (sql/015_cluster_dialogs.sql): which dialog, and who sent its BYE.</summary>
public readonly record struct DialogEndNotice(string Id, bool ByCaller);

/// <summary>
/// Shared dialogs (sql/015_cluster_dialogs.sql): a node reads a dialog another node holds, ends it for that node, and
/// takes the ends the other nodes left for it.
/// </summary>
public sealed partial class DialogStore
{
    /// <summary>The stored dialog with this id held by another node, or null.</summary>
    public async Task<DialogRow?> FindElsewhereAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DialogRow>($"{Columns} WHERE id = @id AND node <> @node", new { id, node });
    }

    /// <summary>
    /// Ends a dialog another node holds, once across the cluster: the node that deletes its row ends it. An end is left for
    /// the holder; when the holder has not heartbeaten for <paramref name="deadAfter"/>, one channel also comes off its
    /// grant at once (after bumping the trunk's lease head, as every grant change does), since it will not free it.
    /// </summary>
    /// <returns>True when this call ended it; false when it was already over or is this node's own.</returns>
    public Task<bool> EndElsewhereAsync(DialogRow row, bool byCaller, TimeSpan deadAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        // Galera does not replicate the FOR UPDATE lock: two nodes ending one dialog through two database nodes both get
        // this far, certification refuses the second at commit (1213), and its retry finds the row gone.
        return ConflictRetry.RunAsync(token => EndElsewhereOnceAsync(row, byCaller, deadAfter, token), cancellationToken);
    }

    private async Task<bool> EndElsewhereOnceAsync(DialogRow row, bool byCaller, TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var holder = await connection.ExecuteScalarAsync<string?>("SELECT node FROM edge_dialogs WHERE id = @id FOR UPDATE", new { id = row.Id }, transaction);
        if (holder is null || holder == node)
        {
            return false;
        }
        await connection.ExecuteAsync("DELETE FROM edge_dialogs WHERE id = @id", new { id = row.Id }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO dialog_ends (node, id, side, ended_at) VALUES (@holder, @id, @side, UTC_TIMESTAMP(6))
            ON DUPLICATE KEY UPDATE ended_at = VALUES(ended_at)
            """, new { holder, id = row.Id, side = byCaller ? "caller" : "callee" }, transaction);
        var alive = await connection.ExecuteScalarAsync<int>("""
            SELECT COUNT(*) FROM edge_nodes WHERE node = @holder AND heartbeat_at >= UTC_TIMESTAMP(6) - INTERVAL @seconds SECOND
            """, new { holder, seconds = deadAfter.TotalSeconds }, transaction);
        if (alive == 0 && row.Kind == "trunk" && row.Trunk is { } trunk)
        {
            await connection.ExecuteAsync("INSERT INTO lease_heads (trunk, version) VALUES (@trunk, 1) ON DUPLICATE KEY UPDATE version = version + 1",
                new { trunk }, transaction);
            await connection.ExecuteAsync("""
                UPDATE channel_leases SET granted = GREATEST(granted - 1, 0), in_use = GREATEST(in_use - 1, 0)
                WHERE trunk = @trunk AND pool = @pool AND node = @holder
                """, new { trunk, pool = row.Reserved ? row.Campaign ?? "" : "", holder }, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The ends other nodes left for this node's dialogs, taken (deleted) as they are read.</summary>
    public async Task<IReadOnlyList<DialogEndNotice>> TakeEndsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ends = (await connection.QueryAsync<(string Id, string Side)>("SELECT id, side FROM dialog_ends WHERE node = @node", new { node })).ToList();
        if (ends.Count > 0)
        {
            await connection.ExecuteAsync("DELETE FROM dialog_ends WHERE node = @node AND id IN @ids", new { node, ids = ends.Select(e => e.Id) });
        }
        return [.. ends.Select(e => new DialogEndNotice(e.Id, e.Side == "caller"))];
    }

    /// <summary>
    /// Writes this node's listen addresses and reads every other node's, so a Route naming another node is known for
    /// ours (ends left for nodes the cluster forgets go with them, <see cref="LeaseStore.HeartbeatAsync"/>).
    /// </summary>
    /// <param name="addresses">This node's listen addresses, "host:port host:port ...".</param>
    /// <param name="deadAfter">A node without a heartbeat this long is read as not alive.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    public async Task<IReadOnlyList<(string Node, string Addresses, bool Alive)>> ExchangeAddressesAsync(string addresses, TimeSpan deadAfter,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE edge_nodes SET sip_addresses = @addresses WHERE node = @node AND sip_addresses <> @addresses",
            new { node, addresses });
        var rows = await connection.QueryAsync<(string Node, string Addresses, int Alive)>("""
            SELECT node, sip_addresses, heartbeat_at >= UTC_TIMESTAMP(6) - INTERVAL @seconds SECOND
            FROM edge_nodes WHERE node <> @node AND sip_addresses <> ''
            """, new { node, seconds = deadAfter.TotalSeconds });
        return [.. rows.Select(r => (r.Node, r.Addresses, r.Alive != 0))];
    }
}
