using Dialer.Peers.Model;

namespace Dialer.Peers.Storage;

/// <summary>An admin API token as listed: its name and role, never the token or its hash.</summary>
public sealed record ApiTokenRecord(string Name, ApiRole Role, DateTime CreatedAt, string CreatedBy);
