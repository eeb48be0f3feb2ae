using System.Data;
using Dapper;
using MySqlConnector;

namespace Dialer.Peers.Storage;

/// <summary>One node's grant of a trunk's channels in one pool ('' = unreserved, else a campaign's reserved ones).</summary>
public readonly record struct LeaseGrant(string Trunk, string Pool, int Granted, int InUse);

/// <summary>A node of the cluster as edge_nodes has it.</summary>
public sealed record ClusterNode(string Node, DateTime StartedAt, DateTime HeartbeatAt, bool Alive, string SipAddresses);

/// <summary>When a node counts as dead, and how long a dead node's channels in use stay charged.</summary>
/// <param name="DeadAfter">No heartbeat for this long: the node is dead and its unused channels return at once.</param>
/// <param name="OrphanHold">
/// What it held stays charged this long after that (its calls may still be up at the carrier). A live node gives back what
/// it does not use at every heartbeat, so what it holds at its death is its calls plus at most one chunk it was growing
/// into; which of those channels carry a call it admitted in its last moments cannot be known, so all of them stay charged.
/// </param>
public readonly record struct LeasePolicy(TimeSpan DeadAfter, TimeSpan OrphanHold);

/// <summary>
/// The cluster's channel grants in MariaDB (sql/014_cluster.sql): each node heartbeats and keeps its own rows; a grant
/// grows only inside a transaction that first bumps the trunk's lease head, so concurrent grants on two nodes are
/// serialised by InnoDB (or refused by Galera's certification with 1213 and retried), and the grants of all live
/// nodes plus what dead nodes still hold never exceed the bound.
/// </summary>
public sealed class LeaseStore(PeerDatabase database, string node, LeasePolicy policy)
{
    public string Node => node;

    /// <summary>
    /// The node is alive with these grants (its own rows, written as given: a shrink, or channels restored at start);
    /// nodes dead past their orphan hold are forgotten, with the dialog ends left for them. Returns how many nodes are alive, this one included.
    /// </summary>
    public async Task<int> HeartbeatAsync(IReadOnlyCollection<LeaseGrant> grants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grants);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("""
            INSERT INTO edge_nodes (node, started_at, heartbeat_at) VALUES (@node, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
            ON DUPLICATE KEY UPDATE heartbeat_at = UTC_TIMESTAMP(6)
            """, new { node });
        if (grants.Count > 0)
        {
            await BatchInsert.ExecuteAsync(connection, "INSERT INTO channel_leases (trunk, pool, node, granted, in_use)",
                "ON DUPLICATE KEY UPDATE granted = VALUES(granted), in_use = VALUES(in_use)",
                grants, g => [g.Trunk, g.Pool, node, g.Granted, g.InUse]);
        }
        var forgetBefore = policy.DeadAfter + policy.OrphanHold;
        await connection.ExecuteAsync("""
            DELETE l FROM channel_leases l JOIN edge_nodes n ON n.node = l.node
            WHERE n.heartbeat_at < UTC_TIMESTAMP(6) - INTERVAL @seconds SECOND
            """, new { seconds = forgetBefore.TotalSeconds });
        await connection.ExecuteAsync("""
            DELETE e FROM dialog_ends e LEFT JOIN edge_nodes n ON n.node = e.node
            WHERE n.node IS NULL OR n.heartbeat_at < UTC_TIMESTAMP(6) - INTERVAL @seconds SECOND
            """, new { seconds = forgetBefore.TotalSeconds });
        await connection.ExecuteAsync("DELETE FROM edge_nodes WHERE heartbeat_at < UTC_TIMESTAMP(6) - INTERVAL @seconds SECOND",
            new { seconds = forgetBefore.TotalSeconds });
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM edge_nodes WHERE heartbeat_at >= UTC_TIMESTAMP(6) - INTERVAL @seconds SECOND",
            new { seconds = policy.DeadAfter.TotalSeconds });
    }

    /// <summary>
    /// Grows this node's grant in one pool by up to <paramref name="want"/> channels, within what the other nodes leave
    /// of <paramref name="bound"/>: a live node's whole grant, and a dead node's during its orphan hold.
    /// </summary>
    /// <returns>The node's grant now (unchanged when nothing was left).</returns>
    public Task<int> GrowAsync(string trunk, string pool, int bound, int want, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(pool);
        return ConflictRetry.RunAsync(token => GrowOnceAsync(trunk, pool, bound, want, token), cancellationToken);
    }

    private async Task<int> GrowOnceAsync(string trunk, string pool, int bound, int want, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await connection.ExecuteAsync("INSERT INTO lease_heads (trunk, version) VALUES (@trunk, 1) ON DUPLICATE KEY UPDATE version = version + 1",
            new { trunk }, transaction);
        var rows = await connection.QueryAsync<(string Node, int Granted, int InUse, int Alive, int Held)>("""
            SELECT l.node, l.granted, l.in_use,
                COALESCE(n.heartbeat_at >= UTC_TIMESTAMP(6) - INTERVAL @dead SECOND, 0),
                COALESCE(n.heartbeat_at >= UTC_TIMESTAMP(6) - INTERVAL @hold SECOND, 0)
            FROM channel_leases l LEFT JOIN edge_nodes n ON n.node = l.node
            WHERE l.trunk = @trunk AND l.pool = @pool
            """, new { trunk, pool, dead = policy.DeadAfter.TotalSeconds, hold = (policy.DeadAfter + policy.OrphanHold).TotalSeconds }, transaction);
        var mine = 0;
        var mineInUse = 0;
        var others = 0;
        foreach (var row in rows)
        {
            if (row.Node == node)
            {
                mine = row.Granted;
                mineInUse = row.InUse;
            }
            else
            {
                others += row.Alive != 0 || row.Held != 0 ? row.Granted : 0;
            }
        }
        var granted = mine + Math.Max(0, Math.Min(want, bound - others - mine));
        if (granted != mine)
        {
            await connection.ExecuteAsync("""
                INSERT INTO channel_leases (trunk, pool, node, granted, in_use) VALUES (@trunk, @pool, @node, @granted, @inUse)
                ON DUPLICATE KEY UPDATE granted = VALUES(granted)
                """, new { trunk, pool, node, granted, inUse = mineInUse }, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        return granted;
    }

    /// <summary>Every node's grants (the API's cluster view and tests).</summary>
    public async Task<IReadOnlyList<(string Node, LeaseGrant Grant, bool Alive)>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Node, string Trunk, string Pool, int Granted, int InUse, int Alive)>("""
            SELECT l.node, l.trunk, l.pool, l.granted, l.in_use, COALESCE(n.heartbeat_at >= UTC_TIMESTAMP(6) - INTERVAL @dead SECOND, 0)
            FROM channel_leases l LEFT JOIN edge_nodes n ON n.node = l.node ORDER BY l.trunk, l.pool, l.node
            """, new { dead = policy.DeadAfter.TotalSeconds });
        return [.. rows.Select(r => (r.Node, new LeaseGrant(r.Trunk, r.Pool, r.Granted, r.InUse), r.Alive != 0))];
    }

    /// <summary>Every node the cluster still remembers (alive, or dead within its orphan hold), by name.</summary>
    public async Task<IReadOnlyList<ClusterNode>> NodesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Node, DateTime StartedAt, DateTime HeartbeatAt, int Alive, string SipAddresses)>("""
            SELECT node, started_at, heartbeat_at, heartbeat_at >= UTC_TIMESTAMP(6) - INTERVAL @dead SECOND, sip_addresses
            FROM edge_nodes ORDER BY node
            """, new { dead = policy.DeadAfter.TotalSeconds });
        return [.. rows.Select(r => new ClusterNode(r.Node, DateTime.SpecifyKind(r.StartedAt, DateTimeKind.Utc),
            DateTime.SpecifyKind(r.HeartbeatAt, DateTimeKind.Utc), r.Alive != 0, r.SipAddresses))];
    }
}
