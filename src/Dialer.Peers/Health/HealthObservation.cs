namespace Dialer.Peers.Health;

/// <summary>
/// One thing a node learned about a server, shared with the other nodes of a cluster: a probe's outcome, or a call
/// failure the edge saw (passive). <see cref="Id"/> and <see cref="At"/> are the database's, so every node orders
/// the observations the same way.
/// </summary>
public sealed record HealthObservation(TrunkServerKey Server, bool Alive, bool Passive, int? Code, double? RttMs, string Cause)
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The node that observed it.</summary>
    public string Node { get; init; } = "";
}
