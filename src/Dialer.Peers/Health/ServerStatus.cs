namespace Dialer.Peers.Health;

/// <summary>What the status board knows of one server: its state, why, since when, and the last probe's RTT.</summary>
public sealed record ServerStatus(ServerHealthState State, string Cause, DateTimeOffset Since, double? RttMs)
{
    public static readonly ServerStatus Unknown = new(ServerHealthState.Unknown, "", DateTimeOffset.MinValue, null);
}
