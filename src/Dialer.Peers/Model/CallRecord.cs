namespace Dialer.Peers.Model;

/// <summary>One trunk call as the carrier log keeps it. Filled in as the call progresses; stored once it ends.</summary>
public sealed class CallRecord
{
    public required string CallId { get; init; }
    public required string Trunk { get; init; }
    public string? Campaign { get; init; }
    public required string Number { get; init; }
    public required DateTimeOffset SetupAt { get; init; }
    public string Server { get; set; } = "";
    public int FinalCode { get; set; }
    public string FinalReason { get; set; } = "";
    public DateTimeOffset? AnsweredAt { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    /// <summary>dialer, carrier, timeout, cancel or failed.</summary>
    public string HangupSide { get; set; } = "failed";
}
