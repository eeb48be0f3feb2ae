using Dialer.Peers.Model;

namespace Dialer.Peers.Validation;

public static partial class PeerValidator
{
    /// <param name="input">What the admin sent.</param>
    /// <param name="name">The campaign name from the URL on replace; null on create.</param>
    /// <returns>A campaign with version 0. Whether the reservations fit the trunks is checked on write.</returns>
    public static Campaign Campaign(CampaignInput input, string? name)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var campaignName = input.Name ?? name;
        Rules.Name(errors, "name", campaignName);
        if (name is not null && input.Name is not null && input.Name != name)
        {
            errors.Add("name", "does not match the campaign name in the URL; renaming is not supported");
        }
        Rules.PlainText(errors, "description", input.Description, 255);
        Rules.Range(errors, "retries", input.Retries, 0, 20);
        Rules.Range(errors, "retryDelaySeconds", input.RetryDelaySeconds, 1, 7 * 24 * 3600);
        var allocations = new List<Allocation>();
        var given = input.Allocations ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            var allocation = AllocationFrom(errors, $"allocations[{i}]", given[i], null);
            if (allocation is null)
            {
                continue;
            }
            if (allocations.Any(a => string.Equals(a.Trunk, allocation.Trunk, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"allocations[{i}].trunk", $"trunk '{allocation.Trunk}' is allocated twice");
            }
            allocations.Add(allocation);
        }
        errors.ThrowIfAny();
        return new Campaign(campaignName!, input.Description ?? "", input.Active ?? true, allocations, 0)
        {
            Recycling = new LeadRecycling(input.Retries ?? LeadRecycling.Default.Retries, input.RetryDelaySeconds ?? LeadRecycling.Default.DelaySeconds),
        };
    }

    /// <summary>An allocation from PUT /api/campaigns/{name}/trunks/{trunk}; the trunk comes from the URL.</summary>
    public static Allocation Allocation(AllocationInput input, string trunk)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var allocation = AllocationFrom(errors, "", input, trunk);
        errors.ThrowIfAny();
        return allocation!;
    }

    private static Allocation? AllocationFrom(ValidationErrors errors, string path, AllocationInput? input, string? trunk)
    {
        var prefix = path.Length == 0 ? "" : path + ".";
        if (input is null)
        {
            errors.Add(path, "must be an allocation object");
            return null;
        }
        var trunkName = input.Trunk ?? trunk;
        Rules.Name(errors, prefix + "trunk", trunkName);
        if (trunk is not null && input.Trunk is not null && !string.Equals(input.Trunk, trunk, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(prefix + "trunk", "does not match the trunk in the URL");
        }
        if (Rules.Required(errors, prefix + "reserved", input.Reserved))
        {
            Rules.Range(errors, prefix + "reserved", input.Reserved, 0, 100_000);
        }
        var restriction = AllocationRestriction.OverflowAllowed;
        if (input.Restriction is not null && !WireNames.TryParse(input.Restriction, out restriction))
        {
            errors.Add(prefix + "restriction", "must be MAXIMUM_LIMIT or OVERFLOW_ALLOWED");
        }
        return new Allocation(trunkName ?? "", input.Reserved ?? 0, restriction);
    }
}
