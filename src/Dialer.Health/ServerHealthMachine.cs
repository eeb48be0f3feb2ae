using Dialer.Peers.Health;
using Dialer.Peers.Model;

namespace Dialer.Health;

/// <summary>
/// One trunk server's health state, with Kamailio dispatcher semantics: unknown → up on the first alive reply;
/// up ↔ lagged around the lag threshold; → down after failThreshold failures in a row (probes and call failures
/// alike); down → up after recoverThreshold alive replies in a row; disabled while an admin has switched the server
/// off (re-enabled it starts over as unknown). Not thread-safe: the monitor serializes access per server.
/// </summary>
public sealed class ServerHealthMachine
{
    private int _failures;
    private int _successes;
    private string _lastFailure = "";

    public ServerHealthState State { get; private set; } = ServerHealthState.Unknown;

    /// <summary>Why the server is in its state, in words ("timeout x3", "rtt 740 ms > 500 ms").</summary>
    public string Cause { get; private set; } = "";

    /// <returns>The new state when it changed, else null.</returns>
    public ServerHealthState? Apply(ProbeOutcome outcome, ProbePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(policy);
        if (State == ServerHealthState.Disabled)
        {
            return null;
        }
        return outcome.Alive ? Alive(outcome.RttMs ?? 0, policy) : Failed(outcome.Cause, policy);
    }

    /// <returns>The new state when it changed, else null.</returns>
    public ServerHealthState? SetDisabled(bool disabled)
    {
        if (disabled == (State == ServerHealthState.Disabled))
        {
            return null;
        }
        _failures = 0;
        _successes = 0;
        Cause = disabled ? "disabled by an admin" : "enabled by an admin";
        return MoveTo(disabled ? ServerHealthState.Disabled : ServerHealthState.Unknown);
    }

    private ServerHealthState? Alive(double rttMs, ProbePolicy policy)
    {
        _failures = 0;
        _successes++;
        var lagged = policy.LagMs > 0 && rttMs > policy.LagMs;
        var next = lagged ? ServerHealthState.Lagged : ServerHealthState.Up;
        if (State == ServerHealthState.Down && _successes < policy.RecoverThreshold)
        {
            Cause = $"{_lastFailure} x{policy.FailThreshold}, recovering {_successes} of {policy.RecoverThreshold}";
            return null;
        }
        Cause = lagged ? $"rtt {rttMs:0} ms > {policy.LagMs} ms" : "";
        return MoveTo(next);
    }

    private ServerHealthState? Failed(string cause, ProbePolicy policy)
    {
        _successes = 0;
        _failures++;
        _lastFailure = cause;
        if (State == ServerHealthState.Down)
        {
            return null;
        }
        if (_failures >= policy.FailThreshold)
        {
            Cause = $"{cause} x{_failures}";
            return MoveTo(ServerHealthState.Down);
        }
        return null;
    }

    private ServerHealthState? MoveTo(ServerHealthState next)
    {
        if (next == State)
        {
            return null;
        }
        State = next;
        return next;
    }
}
