using System.Data;
using Dapper;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;

namespace Dialer.Peers.Storage;

public sealed partial class PeerRepository
{
    private const string PhoneColumns =
        "id, extension, display_name, auth_username, realm, ha1_md5, ha1_sha256, codecs, max_contacts, outbound_trunks, caller_id, digest_algorithms, active, row_version";

    public async Task<Page<Phone>> ListPhonesAsync(PageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        const string Where = "WHERE (@Active IS NULL OR active = @Active) AND (@Like IS NULL OR extension LIKE @Like OR display_name LIKE @Like)";
        var args = new { query.Active, Like = query.LikePattern, query.Limit, query.Offset };
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PhoneRow>(
            $"SELECT {PhoneColumns} FROM phones {Where} ORDER BY LENGTH(extension), extension LIMIT @Limit OFFSET @Offset", args);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM phones {Where}", args);
        return new Page<Phone>(rows.Select(r => r.ToPhone()).ToList(), total);
    }

    public async Task<Phone?> GetPhoneAsync(string extension, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PhoneRow>(
            $"SELECT {PhoneColumns} FROM phones WHERE extension = @extension", new { extension });
        return row?.ToPhone();
    }

    public async Task<Phone> CreatePhoneAsync(PhoneDraft draft, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var credentials = draft.Credentials ?? throw ValidationErrors.Failure("password", "is required when a phone is created");
        try
        {
            return await database.WriteAsync(async (connection, transaction, version) =>
            {
                var outboundTrunks = await ResolveOutboundTrunksAsync(connection, transaction, draft.OutboundTrunks);
                await connection.ExecuteAsync("""
                    INSERT INTO phones (extension, display_name, auth_username, realm, ha1_md5, ha1_sha256, codecs,
                        max_contacts, outbound_trunks, caller_id, digest_algorithms, active, row_version, created_at, updated_at)
                    VALUES (@Extension, @DisplayName, @AuthUsername, @Realm, @Ha1Md5, @Ha1Sha256, @Codecs,
                        @MaxContacts, @OutboundTrunks, @CallerId, @DigestAlgorithms, @Active, @version, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
                    """, PhoneArgs(draft, credentials, outboundTrunks, version), transaction);
                var phone = ToPhone(draft, credentials, outboundTrunks, version);
                await Audit.WriteAsync(connection, transaction, actor, "phone", phone.Extension, "create", version, null, AuditViews.Of(phone));
                return phone;
            }, cancellationToken);
        }
        catch (Exception error) when (DatabaseErrors.IsDuplicate(error))
        {
            throw new PeerConflictException($"phone {draft.Extension} already exists", error) { Field = "extension" };
        }
    }

    /// <param name="draft">The validated phone.</param>
    /// <param name="expectedVersion">From If-Match; null replaces whatever is stored.</param>
    /// <param name="actor">Who changes it, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task<Phone> ReplacePhoneAsync(PhoneDraft draft, long? expectedVersion, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return database.WriteAsync(async (connection, transaction, version) =>
        {
            var before = await LockPhoneAsync(connection, transaction, draft.Extension);
            CheckVersion(expectedVersion, before.Version, $"phone {draft.Extension}");
            if (draft.Credentials is null && (before.AuthUsername != draft.AuthUsername || before.Realm != draft.Realm))
            {
                throw ValidationErrors.Failure("password", "is required when authUsername or realm changes");
            }
            var credentials = draft.Credentials ?? before.Credentials;
            var outboundTrunks = await ResolveOutboundTrunksAsync(connection, transaction, draft.OutboundTrunks);
            await connection.ExecuteAsync("""
                UPDATE phones SET display_name = @DisplayName, auth_username = @AuthUsername, realm = @Realm,
                    ha1_md5 = @Ha1Md5, ha1_sha256 = @Ha1Sha256, codecs = @Codecs, max_contacts = @MaxContacts,
                    outbound_trunks = @OutboundTrunks, caller_id = @CallerId, digest_algorithms = @DigestAlgorithms,
                    active = @Active, row_version = @version, updated_at = UTC_TIMESTAMP(6)
                WHERE extension = @Extension
                """, PhoneArgs(draft, credentials, outboundTrunks, version), transaction);
            var after = ToPhone(draft, credentials, outboundTrunks, version);
            await Audit.WriteAsync(connection, transaction, actor, "phone", after.Extension, "update", version,
                AuditViews.Of(before), AuditViews.Of(after));
            return after;
        }, cancellationToken);
    }

    public Task DeletePhoneAsync(string extension, long? expectedVersion, string actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction, version) =>
        {
            var before = await LockPhoneAsync(connection, transaction, extension);
            CheckVersion(expectedVersion, before.Version, $"phone {extension}");
            await connection.ExecuteAsync("DELETE FROM phones WHERE extension = @extension", new { extension }, transaction);
            await Audit.WriteAsync(connection, transaction, actor, "phone", extension, "delete", version, AuditViews.Of(before), null);
            return true;
        }, cancellationToken);

    private static async Task<Phone> LockPhoneAsync(IDbConnection connection, IDbTransaction transaction, string extension)
    {
        var row = await connection.QuerySingleOrDefaultAsync<PhoneRow>(
            $"SELECT {PhoneColumns} FROM phones WHERE extension = @extension FOR UPDATE", new { extension }, transaction);
        return row?.ToPhone() ?? throw new PeerNotFoundException($"phone {extension} does not exist");
    }

    /// <summary>
    /// Checks that every named outbound trunk exists and returns the names as the trunks spell them; "*" and [] pass
    /// as they are. Every write holds the peers_version row lock, so no trunk can vanish before this one commits.
    /// </summary>
    private static async Task<IReadOnlyList<string>> ResolveOutboundTrunksAsync(
        IDbConnection connection, IDbTransaction transaction, IReadOnlyList<string> names)
    {
        if (names.Count == 0 || (names.Count == 1 && names[0] == OutboundTrunkList.All))
        {
            return names;
        }
        var stored = (await connection.QueryAsync<string>("SELECT name FROM trunks WHERE name IN @names", new { names }, transaction))
            .ToList();
        var errors = new ValidationErrors();
        var resolved = new List<string>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            var match = stored.Find(s => string.Equals(s, names[i], StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                errors.Add($"outboundTrunks[{i}]", $"trunk '{names[i]}' does not exist");
                continue;
            }
            resolved.Add(match);
        }
        errors.ThrowIfAny();
        return resolved;
    }

    private static object PhoneArgs(PhoneDraft draft, PhoneCredentials credentials, IReadOnlyList<string> outboundTrunks, long version) => new
    {
        draft.Extension,
        draft.DisplayName,
        draft.AuthUsername,
        draft.Realm,
        credentials.Ha1Md5,
        credentials.Ha1Sha256,
        Codecs = JoinCodecs(draft.Codecs),
        draft.MaxContacts,
        OutboundTrunks = OutboundTrunkList.Join(outboundTrunks),
        draft.CallerId,
        DigestAlgorithms = DigestAlgorithmList.Join(draft.DigestAlgorithms),
        draft.Active,
        version,
    };

    private static Phone ToPhone(PhoneDraft draft, PhoneCredentials credentials, IReadOnlyList<string> outboundTrunks, long version) =>
        new(draft.Extension, draft.DisplayName, draft.AuthUsername, draft.Realm, credentials, draft.Codecs,
            draft.MaxContacts, outboundTrunks, draft.CallerId, draft.DigestAlgorithms, draft.Active, version);

    private sealed class PhoneRow
    {
        public long Id { get; set; }
        public string Extension { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string AuthUsername { get; set; } = "";
        public string Realm { get; set; } = "";
        public string Ha1Md5 { get; set; } = "";
        public string Ha1Sha256 { get; set; } = "";
        public string Codecs { get; set; } = "";
        public int MaxContacts { get; set; }
        public string OutboundTrunks { get; set; } = "";
        public string CallerId { get; set; } = "";
        public string DigestAlgorithms { get; set; } = "";
        public bool Active { get; set; }
        public long RowVersion { get; set; }

        public Phone ToPhone() => new(Extension, DisplayName, AuthUsername, Realm, new PhoneCredentials(Ha1Md5, Ha1Sha256),
            SplitCodecs(Codecs), MaxContacts, OutboundTrunkList.Split(OutboundTrunks), CallerId,
            DigestAlgorithmList.Split(DigestAlgorithms), Active, RowVersion);
    }
}
