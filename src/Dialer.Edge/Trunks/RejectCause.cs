namespace Dialer.Edge.Trunks;

/// <summary>Why admission refused a call; each maps to the Reason text of the 503 (docs/architecture.md, "Trunk calls").</summary>
public enum RejectCause { ChannelCap, CpsCap, Allocation, NoServer }

public static class RejectCauses
{
    public static string Text(RejectCause cause) => cause switch
    {
        RejectCause.CpsCap => "CPS cap",
        RejectCause.Allocation => "allocation",
        RejectCause.NoServer => "no healthy server",
        _ => "channel cap",
    };
}
