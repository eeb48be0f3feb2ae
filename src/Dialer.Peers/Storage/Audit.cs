using System.Data;
using System.Text.Json;
using Dapper;

namespace Dialer.Peers.Storage;

/// <summary>Writes the audit log inside the change's own transaction, so a change is never without its entry.</summary>
internal static class Audit
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(IDbConnection connection, IDbTransaction transaction, string actor, string entity,
        string key, string action, long version, object? before, object? after) =>
        connection.ExecuteAsync("""
            INSERT INTO audit_log (at, actor, entity, entity_key, action, version, before_json, after_json)
            VALUES (UTC_TIMESTAMP(6), @actor, @entity, @key, @action, @version, @before, @after)
            """,
            new
            {
                actor,
                entity,
                key,
                action,
                version,
                before = before is null ? null : JsonSerializer.Serialize(before, s_json),
                after = after is null ? null : JsonSerializer.Serialize(after, s_json),
            },
            transaction);
}
