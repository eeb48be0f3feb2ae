using System.Data;
using Dapper;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;

namespace Dialer.Peers.Storage;

public sealed partial class PeerRepository
{
    public async Task<Page<Campaign>> ListCampaignsAsync(PageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        const string Where = "WHERE (@Active IS NULL OR active = @Active) AND (@Like IS NULL OR name LIKE @Like OR description LIKE @Like)";
        var args = new { query.Active, Like = query.LikePattern, query.Limit, query.Offset };
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CampaignRow>(
            $"SELECT id, name, description, active, retries, retry_delay_seconds, row_version FROM campaigns {Where} ORDER BY name LIMIT @Limit OFFSET @Offset", args)).ToList();
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM campaigns {Where}", args);
        return new Page<Campaign>(await ToCampaignsAsync(connection, null, rows), total);
    }

    public async Task<Campaign?> GetCampaignAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CampaignRow>(
            "SELECT id, name, description, active, retries, retry_delay_seconds, row_version FROM campaigns WHERE name = @name", new { name });
        return row is null ? null : (await ToCampaignsAsync(connection, null, [row]))[0];
    }

    public async Task<Campaign> CreateCampaignAsync(Campaign campaign, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        try
        {
            return await database.WriteAsync(async (connection, transaction, version) =>
            {
                var id = await connection.ExecuteScalarAsync<long>("""
                    INSERT INTO campaigns (name, description, active, retries, retry_delay_seconds, row_version, created_at, updated_at)
                    VALUES (@Name, @Description, @Active, @Retries, @DelaySeconds, @version, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));
                    SELECT LAST_INSERT_ID();
                    """, new { campaign.Name, campaign.Description, campaign.Active, campaign.Recycling.Retries, campaign.Recycling.DelaySeconds, version },
                    transaction);
                var after = await WriteAllocationsAsync(connection, transaction, id, campaign, version);
                await Audit.WriteAsync(connection, transaction, actor, "campaign", campaign.Name, "create", version, null, AuditViews.Of(after));
                return after;
            }, cancellationToken);
        }
        catch (Exception error) when (DatabaseErrors.IsDuplicate(error))
        {
            throw new PeerConflictException($"campaign {campaign.Name} already exists", error) { Field = "name" };
        }
    }

    /// <summary>Replaces description, active flag and the whole set of allocations.</summary>
    public Task<Campaign> ReplaceCampaignAsync(Campaign campaign, long? expectedVersion, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return database.WriteAsync(async (connection, transaction, version) =>
        {
            var (id, before) = await LockCampaignAsync(connection, transaction, campaign.Name);
            CheckVersion(expectedVersion, before.Version, $"campaign {campaign.Name}");
            await connection.ExecuteAsync("""
                UPDATE campaigns SET description = @Description, active = @Active, retries = @Retries,
                    retry_delay_seconds = @DelaySeconds, row_version = @version, updated_at = UTC_TIMESTAMP(6) WHERE id = @id
                """, new { campaign.Description, campaign.Active, campaign.Recycling.Retries, campaign.Recycling.DelaySeconds, version, id }, transaction);
            await connection.ExecuteAsync("DELETE FROM campaign_allocations WHERE campaign_id = @id", new { id }, transaction);
            var after = await WriteAllocationsAsync(connection, transaction, id, campaign, version);
            await Audit.WriteAsync(connection, transaction, actor, "campaign", campaign.Name, "update", version,
                AuditViews.Of(before), AuditViews.Of(after));
            return after;
        }, cancellationToken);
    }

    /// <summary>Sets (creates or changes) one allocation: PUT /api/campaigns/{name}/trunks/{trunk}.</summary>
    public Task<Campaign> SetAllocationAsync(string campaignName, Allocation allocation, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        return database.WriteAsync(async (connection, transaction, version) =>
        {
            var (id, before) = await LockCampaignAsync(connection, transaction, campaignName);
            var others = before.Allocations.Where(a => !string.Equals(a.Trunk, allocation.Trunk, StringComparison.OrdinalIgnoreCase));
            await connection.ExecuteAsync("DELETE FROM campaign_allocations WHERE campaign_id = @id", new { id }, transaction);
            await TouchCampaignAsync(connection, transaction, id, version);
            var allocations = new List<Allocation>(others) { allocation };
            // The body of PUT .../trunks/{trunk} is the last allocation: name its fields without a path.
            var after = await WriteAllocationsAsync(connection, transaction, id, before with { Allocations = allocations }, version,
                i => i == allocations.Count - 1 ? "" : $"allocations[{i}].");
            await Audit.WriteAsync(connection, transaction, actor, "campaign", campaignName, "update", version,
                AuditViews.Of(before), AuditViews.Of(after));
            return after;
        }, cancellationToken);
    }

    public Task<Campaign> RemoveAllocationAsync(string campaignName, string trunk, string actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction, version) =>
        {
            var (id, before) = await LockCampaignAsync(connection, transaction, campaignName);
            if (!before.Allocations.Any(a => string.Equals(a.Trunk, trunk, StringComparison.OrdinalIgnoreCase)))
            {
                throw new PeerNotFoundException($"campaign {campaignName} has no allocation on trunk {trunk}");
            }
            await connection.ExecuteAsync("""
                DELETE a FROM campaign_allocations a JOIN trunks t ON t.id = a.trunk_id
                WHERE a.campaign_id = @id AND t.name = @trunk
                """, new { id, trunk }, transaction);
            await TouchCampaignAsync(connection, transaction, id, version);
            var after = before with
            {
                Allocations = [.. before.Allocations.Where(a => !string.Equals(a.Trunk, trunk, StringComparison.OrdinalIgnoreCase))],
                Version = version,
            };
            await Audit.WriteAsync(connection, transaction, actor, "campaign", campaignName, "update", version,
                AuditViews.Of(before), AuditViews.Of(after));
            return after;
        }, cancellationToken);

    public Task DeleteCampaignAsync(string name, long? expectedVersion, string actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction, version) =>
        {
            var (id, before) = await LockCampaignAsync(connection, transaction, name);
            CheckVersion(expectedVersion, before.Version, $"campaign {name}");
            await connection.ExecuteAsync("DELETE FROM campaigns WHERE id = @id", new { id }, transaction);
            await Audit.WriteAsync(connection, transaction, actor, "campaign", name, "delete", version, AuditViews.Of(before), null);
            return true;
        }, cancellationToken);

    private static Task<int> TouchCampaignAsync(IDbConnection connection, IDbTransaction transaction, long id, long version) =>
        connection.ExecuteAsync("UPDATE campaigns SET row_version = @version, updated_at = UTC_TIMESTAMP(6) WHERE id = @id",
            new { id, version }, transaction);

    /// <summary>
    /// Inserts the allocations, checking each trunk exists and that its reservations stay within its channel cap.
    /// The caller has deleted this campaign's old allocations in the same transaction.
    /// </summary>
    private static async Task<Campaign> WriteAllocationsAsync(
        IDbConnection connection, IDbTransaction transaction, long campaignId, Campaign campaign, long version,
        Func<int, string>? fieldPrefix = null)
    {
        fieldPrefix ??= i => $"allocations[{i}].";
        var errors = new ValidationErrors();
        var written = new List<Allocation>();
        for (var i = 0; i < campaign.Allocations.Count; i++)
        {
            var allocation = campaign.Allocations[i];
            var prefix = fieldPrefix(i);
            var trunk = await connection.QuerySingleOrDefaultAsync<TrunkCapRow>(
                "SELECT id, name, channel_cap FROM trunks WHERE name = @Trunk FOR UPDATE", new { allocation.Trunk }, transaction);
            if (trunk is not { } t)
            {
                errors.Add(prefix + "trunk", $"trunk '{allocation.Trunk}' does not exist");
                continue;
            }
            var reservedByOthers = await connection.ExecuteScalarAsync<int>(
                "SELECT COALESCE(SUM(reserved), 0) FROM campaign_allocations WHERE trunk_id = @Id AND campaign_id <> @campaignId",
                new { t.Id, campaignId }, transaction);
            if (reservedByOthers + allocation.Reserved > t.ChannelCap)
            {
                errors.Add(prefix + "reserved", $"trunk {t.Name} has {t.ChannelCap} channels and other campaigns reserve {reservedByOthers}; " +
                    $"at most {t.ChannelCap - reservedByOthers} can be reserved");
                continue;
            }
            await connection.ExecuteAsync("""
                INSERT INTO campaign_allocations (campaign_id, trunk_id, reserved, restriction)
                VALUES (@campaignId, @Id, @Reserved, @Restriction)
                """, new { campaignId, t.Id, allocation.Reserved, Restriction = WireNames.Of(allocation.Restriction) }, transaction);
            written.Add(allocation with { Trunk = t.Name });
        }
        errors.ThrowIfAny();
        return campaign with { Allocations = written, Version = version };
    }

    private static async Task<(long Id, Campaign Campaign)> LockCampaignAsync(IDbConnection connection, IDbTransaction transaction, string name)
    {
        var row = await connection.QuerySingleOrDefaultAsync<CampaignRow>(
            "SELECT id, name, description, active, retries, retry_delay_seconds, row_version FROM campaigns WHERE name = @name FOR UPDATE", new { name }, transaction)
            ?? throw new PeerNotFoundException($"campaign {name} does not exist");
        return (row.Id, (await ToCampaignsAsync(connection, transaction, [row]))[0]);
    }

    private static async Task<List<Campaign>> ToCampaignsAsync(IDbConnection connection, IDbTransaction? transaction, IReadOnlyList<CampaignRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = rows.Select(r => r.Id).ToArray();
        var allocations = (await connection.QueryAsync<(long CampaignId, string Trunk, int Reserved, string Restriction)>("""
            SELECT a.campaign_id, t.name, a.reserved, a.restriction
            FROM campaign_allocations a JOIN trunks t ON t.id = a.trunk_id
            WHERE a.campaign_id IN @ids ORDER BY a.campaign_id, t.name
            """, new { ids }, transaction))
            .ToLookup(a => a.CampaignId, a =>
            {
                return new Allocation(a.Trunk, a.Reserved, WireNames.Stored<AllocationRestriction>(a.Restriction, WireNames.TryParse));
            });
        return rows.Select(r => new Campaign(r.Name, r.Description, r.Active, [.. allocations[r.Id]], r.RowVersion)
        {
            Recycling = new LeadRecycling(r.Retries, r.RetryDelaySeconds),
        }).ToList();
    }

    private sealed class TrunkCapRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public int ChannelCap { get; set; }
    }

    private sealed class CampaignRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public bool Active { get; set; }
        public int Retries { get; set; }
        public int RetryDelaySeconds { get; set; }
        public long RowVersion { get; set; }
    }
}
