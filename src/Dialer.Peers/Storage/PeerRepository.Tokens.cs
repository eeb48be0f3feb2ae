using Dapper;
using Dialer.Peers.Model;
using Dialer.Peers.Security;

namespace Dialer.Peers.Storage;

public sealed partial class PeerRepository
{
    /// <returns>The new token, to be shown once; only its SHA-256 is stored.</returns>
    public async Task<string> CreateTokenAsync(string name, ApiRole role, string actor, CancellationToken cancellationToken = default)
    {
        var token = ApiTokens.NewToken();
        try
        {
            await database.WriteAsync(async (connection, transaction, version) =>
            {
                await connection.ExecuteAsync("""
                    INSERT INTO api_tokens (name, token_hash, role, created_at, created_by)
                    VALUES (@name, @hash, @role, UTC_TIMESTAMP(6), @actor)
                    """, new { name, hash = ApiTokens.Hash(token), role = WireNames.Of(role), actor }, transaction);
                await Audit.WriteAsync(connection, transaction, actor, "token", name, "create", version, null,
                    new { name, role = WireNames.Of(role) });
                return true;
            }, cancellationToken);
        }
        catch (Exception error) when (DatabaseErrors.IsDuplicate(error))
        {
            throw new PeerConflictException($"token {name} already exists", error) { Field = "name" };
        }
        return token;
    }

    /// <summary>The token's name and role when <paramref name="token"/> is a live token; null otherwise.</summary>
    public async Task<ApiTokenRecord?> FindTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(
            "SELECT name, role, created_at, created_by FROM api_tokens WHERE token_hash = @hash", new { hash = ApiTokens.Hash(token) });
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TokenRow>("SELECT name, role, created_at, created_by FROM api_tokens ORDER BY name");
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public Task DeleteTokenAsync(string name, string actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction, version) =>
        {
            if (await connection.ExecuteAsync("DELETE FROM api_tokens WHERE name = @name", new { name }, transaction) == 0)
            {
                throw new PeerNotFoundException($"token {name} does not exist");
            }
            await Audit.WriteAsync(connection, transaction, actor, "token", name, "delete", version, new { name }, null);
            return true;
        }, cancellationToken);

    private sealed class TokenRow
    {
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        public DateTime CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";

        public ApiTokenRecord ToRecord()
        {
            return new ApiTokenRecord(Name, WireNames.Stored<ApiRole>(Role, WireNames.TryParse), CreatedAt, CreatedBy);
        }
    }
}
