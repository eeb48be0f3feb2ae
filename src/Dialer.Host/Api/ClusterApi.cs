using Dialer.Edge;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>
/// GET /api/cluster (README.md, "Running several edges"): this node's name, every node the cluster remembers with its
/// heartbeat, and every node's channel grant per trunk and pool as MariaDB has them; per trunk, the cluster's totals. A
/// node's live figures are in its own GET /api/channels; the grants' in-use counts are as of each node's last heartbeat.
/// </summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster", Show).WithTags("Cluster").RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Ok<ClusterView>> Show(EdgeService edge, CancellationToken cancellationToken)
    {
        if (edge.Leases is not { } leases)
        {
            return TypedResults.Ok(new ClusterView(false, null, [], [], []));
        }
        var nodes = await leases.NodesAsync(cancellationToken);
        var grants = await leases.GrantsAsync(cancellationToken);
        return TypedResults.Ok(new ClusterView(true, leases.Node,
            [.. nodes.Select(n => new ClusterNodeView(n.Node, n.Alive, n.StartedAt, n.HeartbeatAt, n.SipAddresses))],
            [.. grants.Select(g => new ClusterGrantView(g.Grant.Trunk, g.Grant.Pool, g.Node, g.Grant.Granted, g.Grant.InUse, g.Alive))],
            [.. grants.GroupBy(g => g.Grant.Trunk, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ClusterTrunkView(g.Key, g.Sum(x => x.Grant.Granted), g.Sum(x => x.Grant.InUse)))]));
    }
}

public sealed record ClusterView(bool Enabled, string? Node, IReadOnlyList<ClusterNodeView> Nodes, IReadOnlyList<ClusterGrantView> Grants,
    IReadOnlyList<ClusterTrunkView> Trunks);

public sealed record ClusterNodeView(string Node, bool Alive, DateTime StartedAt, DateTime HeartbeatAt, string SipAddresses);

/// <summary>One node's grant in one pool ('' = the trunk's unreserved channels, else the campaign holding reserved ones).</summary>
public sealed record ClusterGrantView(string Trunk, string Pool, string Node, int Granted, int InUse, bool Alive);

/// <summary>A trunk's channels across the cluster: granted to all nodes, and in use at their last heartbeats.</summary>
public sealed record ClusterTrunkView(string Trunk, int Granted, int InUse);
