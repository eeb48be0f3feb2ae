namespace Dialer.Peers.Storage;

/// <summary>One audit log row: who changed what and when; JSON snapshots have secrets masked.</summary>
public sealed record AuditEntry(
    long Id, DateTime At, string Actor, string Entity, string EntityKey, string Action, long Version,
    string? BeforeJson, string? AfterJson);
