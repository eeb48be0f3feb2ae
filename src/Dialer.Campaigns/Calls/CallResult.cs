namespace Dialer.Campaigns.Calls;

/// <summary>
/// How one call ended: its <see cref="LeadOutcome"/>, the final SIP code and reason (null code: no final answer),
/// times, and the Retry-After the edge asked for when it refused the call.
/// </summary>
public sealed record CallResult(string Outcome, int? Code, string Reason, string CallId, DateTimeOffset StartedAt, DateTimeOffset? AnsweredAt,
    DateTimeOffset EndedAt, TimeSpan? RetryAfter)
{
    public TimeSpan? Setup => AnsweredAt - StartedAt;
    public TimeSpan? Talk => AnsweredAt is { } answered ? EndedAt - answered : null;
}

/// <summary>What to call and how long to wait and talk.</summary>
public sealed record CallRequest(string Number, string Campaign, TimeSpan DialTimeout, TimeSpan TalkTime);
