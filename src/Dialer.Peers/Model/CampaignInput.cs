namespace Dialer.Peers.Model;

/// <summary>A campaign as an admin writes it, before validation.</summary>
public sealed class CampaignInput
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public bool? Active { get; set; }

    /// <summary>How many more times a busy, unanswered or failed lead is called (default 1).</summary>
    public int? Retries { get; set; }

    /// <summary>Seconds from such a call to the next one of the same lead (default 300).</summary>
    public int? RetryDelaySeconds { get; set; }

    public List<AllocationInput>? Allocations { get; set; }
}

/// <summary>One allocation; <see cref="Trunk"/> comes from the URL on PUT /api/campaigns/{name}/trunks/{trunk}.</summary>
public sealed class AllocationInput
{
    public string? Trunk { get; set; }
    public int? Reserved { get; set; }
    public string? Restriction { get; set; }
}
