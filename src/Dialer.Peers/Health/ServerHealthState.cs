namespace Dialer.Peers.Health;

/// <summary>A trunk server's health (docs/architecture.md, "Health"), kept by the health state machine.</summary>
public enum ServerHealthState
{
    /// <summary>Not probed yet, or re-enabled: calls may go there.</summary>
    Unknown,
    /// <summary>Answers probes within the trunk's lag threshold.</summary>
    Up,
    /// <summary>Answers probes, but slower than the trunk's lag threshold: still carries calls.</summary>
    Lagged,
    /// <summary>Failed the trunk's failThreshold in a row: no new calls until it recovers.</summary>
    Down,
    /// <summary>Switched off by an admin: no new calls, calls in progress continue.</summary>
    Disabled,
}

public static class ServerHealthStates
{
    public static string Of(ServerHealthState state) => state switch
    {
        ServerHealthState.Up => "up",
        ServerHealthState.Lagged => "lagged",
        ServerHealthState.Down => "down",
        ServerHealthState.Disabled => "disabled",
        _ => "unknown",
    };

    /// <summary>Whether the router may send a new call to a server in this state.</summary>
    public static bool IsRoutable(ServerHealthState state) => state is not (ServerHealthState.Down or ServerHealthState.Disabled);
}
