namespace Dialer.Peers.Model;

/// <summary>One trunk call as the carrier log keeps it. Filled in as the call progresses; stored once it ends.</summary>
public sealed class CallRecord
{
    public required string CallId { get; init; }
    /// <summary>The edge's dialog id: one row per dialog in the carrier log, updated if the call is logged twice (SIGTERM, then its end).</summary>
    public string? DialogId { get; set; }
    public required string Trunk { get; init; }
    public string? Campaign { get; init; }
    public required string Number { get; init; }
    public required DateTimeOffset SetupAt { get; init; }
    public string Server { get; set; } = "";
    public int FinalCode { get; set; }
    public string FinalReason { get; set; } = "";
    public DateTimeOffset? AnsweredAt { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    /// <summary>dialer, carrier, timeout, cancel, failed, or shutdown (still up when the edge stopped).</summary>
    public string HangupSide { get; set; } = "failed";

    /// <summary>A copy as it stands now, ended at <paramref name="at"/> by <paramref name="side"/> (the SIGTERM row of a live call).</summary>
    public CallRecord EndedCopy(DateTimeOffset at, string side) => new()
    {
        CallId = CallId,
        DialogId = DialogId,
        Trunk = Trunk,
        Campaign = Campaign,
        Number = Number,
        SetupAt = SetupAt,
        Server = Server,
        FinalCode = FinalCode,
        FinalReason = FinalReason,
        AnsweredAt = AnsweredAt,
        EndedAt = at,
        HangupSide = side,
    };
}
