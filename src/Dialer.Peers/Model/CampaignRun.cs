namespace Dialer.Peers.Model;

/// <summary>A lead as stored for a campaign run: due for a call when pending and its retry time has come.</summary>
public sealed record CampaignLead(long Id, string Number, string Name, int Attempts);

/// <summary>One call placed for a lead, as recorded in campaign_attempts.</summary>
public sealed record CampaignAttempt(long LeadId, string Number, string Outcome, int? SipCode, string Reason, string CallId,
    DateTimeOffset StartedAt, DateTimeOffset? AnsweredAt, DateTimeOffset EndedAt);

/// <summary>
/// A campaign's results over all its runs (GET /api/campaigns/{name}/summary): leads by their current outcome,
/// attempts by outcome, answer rate, average setup time, achieved calls per second, and the shortage seen.
/// </summary>
public sealed record CampaignSummary(
    string Campaign,
    int Leads,
    int Pending,
    int Done,
    IReadOnlyDictionary<string, int> LeadOutcomes,
    int Attempts,
    IReadOnlyDictionary<string, int> AttemptOutcomes,
    double? AnswerRate,
    double? AverageSetupMs,
    double? AchievedCps,
    int Shortage,
    int Runs,
    DateTimeOffset? FirstCallAt,
    DateTimeOffset? LastCallAt);
