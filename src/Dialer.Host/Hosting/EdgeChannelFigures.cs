using Dialer.Edge;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;

namespace Dialer.Host.Hosting;

/// <summary>The edge's channel ledger as health reports read it (Health and Edge do not reference each other).</summary>
public sealed class EdgeChannelFigures(EdgeService edge) : ITrunkChannelFigures
{
    public TrunkChannelFigures? Figures(string trunk)
    {
        var view = edge.Ledger.ViewOf(trunk);
        if (view is null)
        {
            return null;
        }
        var rejected = new RejectionCounts(view.Rejected[(int)RejectCause.ChannelCap], view.Rejected[(int)RejectCause.CpsCap],
            view.Rejected[(int)RejectCause.Allocation], view.Rejected[(int)RejectCause.NoServer]);
        // Every refused call is one the dialers wanted and did not get: VICIdial's TRUNK SHORT, per trunk.
        return new TrunkChannelFigures(view.InUse, view.Peak, rejected, rejected.Total);
    }
}
