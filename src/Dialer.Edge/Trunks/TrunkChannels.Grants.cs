namespace Dialer.Edge.Trunks;

/// <summary>
/// The cluster facet of a trunk's ledger: on a node of several edges (<see cref="ClusterLeases"/>) each pool — the
/// unreserved channels, each campaign's reserved ones — admits only within what this node was granted. Alone, every
/// check here says yes and nothing is kept.
/// </summary>
public sealed partial class TrunkChannels
{
    /// <summary>Whether this node may take one more channel of the pool (always, when it is not clustered).</summary>
    private bool Granted(string pool, int inUse) => _grants is null || (_grants.TryGetValue(pool, out var grant) && inUse < grant.Granted);

    /// <summary>After an admission: the pool to grow ahead of the next calls when its grant is nearly used up.</summary>
    private LeaseNeed Ahead(string pool, int bound)
    {
        if (_grants is null)
        {
            return default;
        }
        var grant = GrantOf(pool);
        grant.Wanted = true;
        var inUse = pool.Length == 0 ? _unreservedInUse : _reservedInUse.GetValueOrDefault(pool);
        return grant.Granted - inUse <= Math.Max(1, _ledger.ChunkFor(bound) / 2) ? new LeaseNeed(pool, bound, Wait: false) : default;
    }

    private PoolGrant GrantOf(string pool)
    {
        if (!_grants!.TryGetValue(pool, out var grant))
        {
            grant = new PoolGrant();
            _grants[pool] = grant;
        }
        return grant;
    }

    /// <summary>A grant grew in the database: this node may use it now (a grant never shrinks here).</summary>
    internal void Raise(string pool, int granted, int bound)
    {
        lock (_gate)
        {
            var grant = GrantOf(pool);
            grant.Granted = Math.Max(grant.Granted, granted);
            grant.Bound = bound;
            grant.Wanted = true;
        }
    }

    /// <summary>
    /// The heartbeat's view of this trunk's grants, shrunk first: a pool used since the last heartbeat keeps a chunk of
    /// headroom, an idle one keeps only its channels in use; with <paramref name="headroom"/> false (the database has
    /// not been reached for a while) every grant shrinks to what is in use, so the other nodes may take the rest.
    /// </summary>
    internal List<Dialer.Peers.Storage.LeaseGrant> Shrink(bool headroom)
    {
        lock (_gate)
        {
            var grants = new List<Dialer.Peers.Storage.LeaseGrant>(_grants?.Count ?? 0);
            if (_grants is null)
            {
                return grants;
            }
            foreach (var (pool, grant) in _grants)
            {
                var inUse = pool.Length == 0 ? _unreservedInUse : _reservedInUse.GetValueOrDefault(pool);
                var keep = headroom && grant.Wanted ? inUse + _ledger.ChunkFor(grant.Bound) : inUse;
                grant.Granted = Math.Max(inUse, Math.Min(grant.Granted, keep));
                grant.Wanted = false;
                grants.Add(new(Trunk, pool, grant.Granted, inUse));
            }
            return grants;
        }
    }

    private sealed class PoolGrant
    {
        public int Granted { get; set; }
        /// <summary>The pool's size in the cluster when the grant last grew (sets the chunk kept as headroom).</summary>
        public int Bound { get; set; }
        /// <summary>Used or asked for since the last heartbeat.</summary>
        public bool Wanted { get; set; }
    }
}
