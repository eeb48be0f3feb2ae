using Dialer.Peers.Model;

namespace Dialer.Host.Api;

/// <summary>A campaign with its allocations, as the API shows it.</summary>
public sealed record CampaignView(string Name, string Description, bool Active, int Retries, int RetryDelaySeconds,
    IReadOnlyList<AllocationView> Allocations, long Version)
{
    public static CampaignView Of(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return new(campaign.Name, campaign.Description, campaign.Active, campaign.Recycling.Retries, campaign.Recycling.DelaySeconds,
            [.. campaign.Allocations.Select(a => new AllocationView(a.Trunk, a.Reserved, WireNames.Of(a.Restriction)))],
            campaign.Version);
    }
}

public sealed record AllocationView(string Trunk, int Reserved, string Restriction);
