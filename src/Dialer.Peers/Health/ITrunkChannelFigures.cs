namespace Dialer.Peers.Health;

/// <summary>A trunk's channel counters since start, as the edge's ledger has them; health reports read them here.</summary>
public interface ITrunkChannelFigures
{
    /// <returns>Null when the trunk has carried no call yet.</returns>
    TrunkChannelFigures? Figures(string trunk);
}

public sealed record TrunkChannelFigures(int InUse, int Peak, RejectionCounts Rejected, long Shortage);
