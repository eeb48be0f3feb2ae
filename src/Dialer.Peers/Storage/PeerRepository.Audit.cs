using Dapper;

namespace Dialer.Peers.Storage;

public sealed partial class PeerRepository
{
    /// <summary>Audit entries, newest first, optionally for one entity kind and key.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(
        string? entity, string? key, int limit, long? beforeId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditEntry>("""
            SELECT id, at, actor, entity, entity_key, action, version, before_json, after_json FROM audit_log
            WHERE (@entity IS NULL OR entity = @entity) AND (@key IS NULL OR entity_key = @key)
              AND (@beforeId IS NULL OR id < @beforeId)
            ORDER BY id DESC LIMIT @limit
            """, new { entity, key, limit, beforeId });
        return rows.ToList();
    }
}
