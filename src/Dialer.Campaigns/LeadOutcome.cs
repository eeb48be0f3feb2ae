namespace Dialer.Campaigns;

/// <summary>
/// What one call to a lead came to (stored in campaign_attempts.outcome). Busy, no answer and failed are retried
/// after the retry delay up to the retry limit (VICIdial's lead recycling); trunk full is not the lead's fault, so
/// the lead goes back to the queue without using up an attempt.
/// </summary>
public static class LeadOutcome
{
    public const string Answered = "answered";
    public const string Busy = "busy";
    public const string NoAnswer = "no_answer";
    public const string Rejected = "rejected";
    public const string TrunkFull = "trunk_full";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Answered, Busy, NoAnswer, Rejected, TrunkFull, Failed];

    public static bool IsRetryable(string outcome) => outcome is Busy or NoAnswer or Failed;

    /// <summary>
    /// The outcome of a final answer. <paramref name="reasonText"/> is the text of its Reason header: the edge names
    /// its own capacity refusals ("channel cap", "CPS cap", "allocation") there, which makes them trunk full.
    /// </summary>
    public static string OfFinal(int status, string reasonText) => status switch
    {
        >= 200 and < 300 => Answered,
        486 or 600 => Busy,
        408 or 480 or 487 => NoAnswer,
        503 when reasonText is "channel cap" or "CPS cap" or "allocation" => TrunkFull,
        503 when reasonText is "no healthy server" or "shutting down" => Failed,
        _ => Rejected,
    };
}
