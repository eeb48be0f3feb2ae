using System.Data;
using Dapper;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;

namespace Dialer.Peers.Storage;

public sealed partial class PeerRepository
{
    public async Task<Page<Trunk>> ListTrunksAsync(PageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        const string Where = "WHERE (@Active IS NULL OR active = @Active) AND (@Like IS NULL OR name LIKE @Like OR description LIKE @Like)";
        var args = new { query.Active, Like = query.LikePattern, query.Limit, query.Offset };
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<TrunkRow>(
            $"SELECT {TrunkColumns} FROM trunks {Where} ORDER BY name LIMIT @Limit OFFSET @Offset", args)).ToList();
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM trunks {Where}", args);
        return new Page<Trunk>(await ToTrunksAsync(connection, null, rows), total);
    }

    public async Task<Trunk?> GetTrunkAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TrunkRow>($"SELECT {TrunkColumns} FROM trunks WHERE name = @name", new { name });
        return row is null ? null : (await ToTrunksAsync(connection, null, [row]))[0];
    }

    /// <param name="trunk">A validated trunk (see <see cref="PeerValidator.Trunk"/>).</param>
    /// <param name="actor">Who creates it, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<Trunk> CreateTrunkAsync(Trunk trunk, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        if (trunk.Auth is { Password: null })
        {
            throw ValidationErrors.Failure("auth.password", "is required when a trunk gets credentials");
        }
        try
        {
            return await database.WriteAsync(async (connection, transaction, version) =>
            {
                await CheckDialPrefixAsync(connection, transaction, trunk);
                var secret = trunk.Auth is null ? null : secrets.Protect(trunk.Auth.Password!, SecretContext(trunk.Name));
                var id = await connection.ExecuteScalarAsync<long>($"""
                    INSERT INTO trunks ({TrunkColumns.Replace("id, ", "", StringComparison.Ordinal)}, created_at, updated_at)
                    VALUES (@Name, @Description, @ChannelCap, @CpsCap, @Codecs, @DialPrefix, @AuthUsername, @AuthSecret,
                        @CallOriginHeader, @RuriStrip, @RuriPrefix, @RuriParams, @FromUser, @FromDomain, @ProbeIntervalS,
                        @ProbeTimeoutMs, @ProbeFailThreshold, @ProbeRecoverThreshold, @ProbeLagMs, @ProbeAliveCodes, @TlsCaFile, @TlsSkipVerify,
                        @TlsServerName, @Active, @version, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));
                    SELECT LAST_INSERT_ID();
                    """, TrunkArgs(trunk, secret, version), transaction);
                await WriteTrunkChildrenAsync(connection, transaction, id, trunk);
                var created = trunk with { Version = version };
                await Audit.WriteAsync(connection, transaction, actor, "trunk", trunk.Name, "create", version, null, AuditViews.Of(created));
                return created;
            }, cancellationToken);
        }
        catch (Exception error) when (DatabaseErrors.IsDuplicate(error))
        {
            throw new PeerConflictException($"trunk {trunk.Name} already exists", error) { Field = "name" };
        }
    }

    /// <param name="trunk">A validated trunk; a null auth password keeps the stored secret.</param>
    /// <param name="expectedVersion">From If-Match; null replaces whatever is stored.</param>
    /// <param name="actor">Who changes it, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task<Trunk> ReplaceTrunkAsync(Trunk trunk, long? expectedVersion, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        return database.WriteAsync(async (connection, transaction, version) =>
        {
            var (id, before, storedSecret) = await LockTrunkAsync(connection, transaction, trunk.Name);
            CheckVersion(expectedVersion, before.Version, $"trunk {trunk.Name}");
            await CheckDialPrefixAsync(connection, transaction, trunk);
            var reserved = await connection.ExecuteScalarAsync<int>(
                "SELECT COALESCE(SUM(reserved), 0) FROM campaign_allocations WHERE trunk_id = @id", new { id }, transaction);
            if (trunk.ChannelCap < reserved)
            {
                throw ValidationErrors.Failure("channelCap", $"campaigns reserve {reserved} channels on this trunk; lower their allocations first");
            }
            var secret = trunk.Auth switch
            {
                null => null,
                { Password: null } when storedSecret is not null => storedSecret,
                { Password: null } => throw ValidationErrors.Failure("auth.password", "is required: the trunk has no stored secret"),
                { Password: var password } => secrets.Protect(password, SecretContext(trunk.Name)),
            };
            await connection.ExecuteAsync("""
                UPDATE trunks SET description = @Description, channel_cap = @ChannelCap, cps_cap = @CpsCap, codecs = @Codecs,
                    dial_prefix = @DialPrefix, auth_username = @AuthUsername, auth_secret = @AuthSecret,
                    call_origin_header = @CallOriginHeader, ruri_strip = @RuriStrip, ruri_prefix = @RuriPrefix,
                    ruri_params = @RuriParams, from_user = @FromUser, from_domain = @FromDomain,
                    probe_interval_s = @ProbeIntervalS, probe_timeout_ms = @ProbeTimeoutMs,
                    probe_fail_threshold = @ProbeFailThreshold, probe_recover_threshold = @ProbeRecoverThreshold,
                    probe_lag_ms = @ProbeLagMs, probe_alive_codes = @ProbeAliveCodes, tls_ca_file = @TlsCaFile,
                    tls_skip_verify = @TlsSkipVerify, tls_server_name = @TlsServerName, active = @Active,
                    row_version = @version, updated_at = UTC_TIMESTAMP(6)
                WHERE name = @Name
                """, TrunkArgs(trunk, secret, version), transaction);
            await WriteTrunkChildrenAsync(connection, transaction, id, trunk);
            var (_, after, _) = await LockTrunkAsync(connection, transaction, trunk.Name);
            await Audit.WriteAsync(connection, transaction, actor, "trunk", trunk.Name, "update", version,
                AuditViews.Of(before), AuditViews.Of(after));
            return after;
        }, cancellationToken);
    }

    /// <summary>Deletes a trunk; refused while campaigns hold allocations on it or phones name it in outboundTrunks.</summary>
    public Task DeleteTrunkAsync(string name, long? expectedVersion, string actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction, version) =>
        {
            var (id, before, _) = await LockTrunkAsync(connection, transaction, name);
            CheckVersion(expectedVersion, before.Version, $"trunk {name}");
            var campaigns = (await connection.QueryAsync<string>("""
                SELECT c.name FROM campaign_allocations a JOIN campaigns c ON c.id = a.campaign_id
                WHERE a.trunk_id = @id ORDER BY c.name
                """, new { id }, transaction)).ToList();
            if (campaigns.Count > 0)
            {
                throw new PeerConflictException($"trunk {name} is allocated to campaigns {string.Join(", ", campaigns)}; remove those allocations first");
            }
            // Phones name their outbound trunks; a later trunk of the same name must not inherit them. "*" is no reference.
            var phones = (await connection.QueryAsync<string>(
                "SELECT extension FROM phones WHERE FIND_IN_SET(@Name, outbound_trunks) > 0 ORDER BY LENGTH(extension), extension",
                new { before.Name }, transaction)).ToList();
            if (phones.Count > 0)
            {
                throw new PeerConflictException(
                    $"trunk {name} is an outbound trunk of phones {string.Join(", ", phones)}; remove it from their outboundTrunks first");
            }
            await connection.ExecuteAsync("DELETE FROM trunks WHERE id = @id", new { id }, transaction);
            await Audit.WriteAsync(connection, transaction, actor, "trunk", name, "delete", version, AuditViews.Of(before), null);
            return true;
        }, cancellationToken);

    private async Task<(long Id, Trunk Trunk, byte[]? Secret)> LockTrunkAsync(IDbConnection connection, IDbTransaction transaction, string name)
    {
        var row = await connection.QuerySingleOrDefaultAsync<TrunkRow>(
            $"SELECT {TrunkColumns} FROM trunks WHERE name = @name FOR UPDATE", new { name }, transaction)
            ?? throw new PeerNotFoundException($"trunk {name} does not exist");
        return (row.Id, (await ToTrunksAsync(connection, transaction, [row]))[0], row.AuthSecret);
    }

    /// <summary>Longest-prefix routing needs each non-empty dial prefix on one trunk only.</summary>
    private static async Task CheckDialPrefixAsync(IDbConnection connection, IDbTransaction transaction, Trunk trunk)
    {
        if (trunk.DialPrefix.Length == 0)
        {
            return;
        }
        var other = await connection.ExecuteScalarAsync<string?>(
            "SELECT name FROM trunks WHERE dial_prefix = @DialPrefix AND name <> @Name LIMIT 1", new { trunk.DialPrefix, trunk.Name }, transaction);
        if (other is not null)
        {
            throw ValidationErrors.Failure("dialPrefix", $"'{trunk.DialPrefix}' is already the dial prefix of trunk {other}");
        }
    }
}
