using Dialer.Peers.Health;
using Dialer.Peers.Model;

namespace Dialer.Health;

/// <summary>One node: probe outcomes and call failures go straight into the monitor.</summary>
public sealed class LocalObservations : IHealthObservations, IDisposable
{
    private readonly HealthMonitor _monitor;
    private readonly TrunkStatusBoard _board;

    public LocalObservations(HealthMonitor monitor, TrunkStatusBoard board)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(board);
        _monitor = monitor;
        _board = board;
        _board.CallFailed += _monitor.ObserveCallFailure;
    }

    public Task ObserveAsync(Trunk trunk, TrunkServer server, ProbeOutcome outcome, CancellationToken cancellationToken)
    {
        _monitor.Observe(trunk, server, outcome);
        return Task.CompletedTask;
    }

    public void Dispose() => _board.CallFailed -= _monitor.ObserveCallFailure;
}
