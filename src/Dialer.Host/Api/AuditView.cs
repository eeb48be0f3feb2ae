using System.Text.Json;
using Dialer.Peers.Storage;

namespace Dialer.Host.Api;

/// <summary>An audit entry with its before/after snapshots as JSON objects (secrets already masked).</summary>
public sealed record AuditView(
    long Id, DateTime At, string Actor, string Entity, string Key, string Action, long Version, JsonElement? Before, JsonElement? After)
{
    public static AuditView Of(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Id, DateTime.SpecifyKind(entry.At, DateTimeKind.Utc), entry.Actor, entry.Entity, entry.EntityKey, entry.Action,
            entry.Version, Parse(entry.BeforeJson), Parse(entry.AfterJson));
    }

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
