namespace Dialer.Peers.Model;

/// <summary>An outbound campaign and its allocations on trunks (VICIdial's server trunks).</summary>
public sealed record Campaign(
    string Name,
    string Description,
    bool Active,
    IReadOnlyList<Allocation> Allocations,
    long Version)
{
    /// <summary>How this campaign's busy, unanswered and failed leads are called again.</summary>
    public LeadRecycling Recycling { get; init; } = LeadRecycling.Default;
}

/// <summary>
/// VICIdial's lead recycling: a lead whose call was busy, unanswered or failed is called again after
/// <see cref="DelaySeconds"/>, at most <see cref="Retries"/> more times.
/// </summary>
public sealed record LeadRecycling(int Retries, int DelaySeconds)
{
    public static readonly LeadRecycling Default = new(1, 300);
}

/// <summary>A campaign's reserved channels on one trunk.</summary>
public sealed record Allocation(string Trunk, int Reserved, AllocationRestriction Restriction);
