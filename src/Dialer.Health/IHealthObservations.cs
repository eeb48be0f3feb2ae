using Dialer.Peers.Model;

namespace Dialer.Health;

/// <summary>
/// Where probe outcomes and the edge's call failures go: straight into this node's monitor (one node), or through
/// MariaDB into every node's monitor (clustered). The probe job and the status board's call failures use it alike.
/// </summary>
public interface IHealthObservations
{
    Task ObserveAsync(Trunk trunk, TrunkServer server, ProbeOutcome outcome, CancellationToken cancellationToken);
}
