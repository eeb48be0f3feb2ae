namespace Dialer.Peers.Model;

/// <summary>An outbound campaign and its allocations on trunks (VICIdial's server trunks).</summary>
public sealed record Campaign(
    string Name,
    string Description,
    bool Active,
    IReadOnlyList<Allocation> Allocations,
    long Version);

/// <summary>A campaign's reserved channels on one trunk.</summary>
public sealed record Allocation(string Trunk, int Reserved, AllocationRestriction Restriction);
