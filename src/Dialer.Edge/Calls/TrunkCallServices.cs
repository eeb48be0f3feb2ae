using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Peers.Health;
using Dialer.Sip.Transactions;

namespace Dialer.Edge.Calls;

/// <summary>The collaborators every <see cref="TrunkCall"/> shares: transactions, forwarding, dialogs, server health and DNS.</summary>
internal sealed record TrunkCallServices(
    ClientTransactions Transactions,
    Forwarder Forwarder,
    DialogTable Dialogs,
    TrunkStatusBoard Board,
    TrunkResolver Resolver,
    TimeProvider Time)
{
    /// <summary>Where setup times are recorded; null records nothing.</summary>
    public EdgeMetrics? Metrics { get; init; }
}
