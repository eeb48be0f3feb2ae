using Dapper;
using Dialer.Peers.Model;

namespace Dialer.Peers.Storage;

/// <summary>
/// Leads, attempts and runs of the dialer process (sql/006_campaign_runs.sql). A lead moves pending → dialing (set
/// before its INVITE is sent, and only by whoever finds it pending, so two runs never dial it both) → pending again
/// for a retry or done. A lead left dialing by a run that died is never redialled on its own.
/// </summary>
public sealed class CampaignRunStore(PeerDatabase database)
{
    public const string Pending = "pending";
    public const string Dialing = "dialing";
    public const string Done = "done";

    /// <summary>Adds the leads the campaign does not have yet (by number); returns how many were new.</summary>
    public async Task<int> AddLeadsAsync(string campaign, IEnumerable<(int Line, string Number, string Name, string? FieldsJson)> leads,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leads);
        await using var connection = await database.OpenAsync(cancellationToken);
        var count = new CommandDefinition("SELECT CAST(COUNT(*) AS SIGNED) FROM campaign_leads WHERE campaign = @campaign", new { campaign },
            cancellationToken: cancellationToken);
        var before = await connection.ExecuteScalarAsync<long>(count);
        foreach (var batch in leads.Chunk(500))
        {
            // A number the campaign already has keeps its state (that is what makes a rerun resume).
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO campaign_leads (campaign, number, name, fields, source_line, status, updated_at)
                VALUES (@campaign, @Number, @Name, @FieldsJson, @Line, 'pending', UTC_TIMESTAMP(6))
                ON DUPLICATE KEY UPDATE id = id
                """, batch.Select(l => new { campaign, l.Number, l.Name, l.FieldsJson, l.Line }), transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
        return (int)(await connection.ExecuteScalarAsync<long>(count) - before);
    }

    /// <summary>Leads a run that died left dialing: marked done as failed, never redialled blindly. Returns how many.</summary>
    public async Task<int> CloseInterruptedAsync(string campaign, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE campaign_leads SET status = 'done', outcome = 'failed', updated_at = UTC_TIMESTAMP(6)
            WHERE campaign = @campaign AND status = 'dialing'
            """, new { campaign }, cancellationToken: cancellationToken));
    }

    /// <summary>Up to <paramref name="limit"/> pending leads whose time has come, retries first, then file order.</summary>
    public async Task<IReadOnlyList<CampaignLead>> DueAsync(string campaign, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CampaignLead>(new CommandDefinition("""
            SELECT id, number, name, attempts FROM campaign_leads
            WHERE campaign = @campaign AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            ORDER BY next_attempt_at IS NULL, next_attempt_at, id LIMIT @limit
            """, new { campaign, now = now.UtcDateTime, limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Pending leads in all, and when the earliest one not yet due will be.</summary>
    public async Task<(int Pending, DateTimeOffset? NextDue)> PendingAsync(string campaign, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long Count, DateTime? Next)>(new CommandDefinition("""
            SELECT COUNT(*), MIN(next_attempt_at) FROM campaign_leads WHERE campaign = @campaign AND status = 'pending'
            """, new { campaign }, cancellationToken: cancellationToken));
        return ((int)row.Count, row.Next is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null);
    }

    /// <summary>Claims a pending lead for a call; false when it is no longer pending (another run took it).</summary>
    public async Task<bool> ClaimAsync(long leadId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE campaign_leads SET status = 'dialing', updated_at = UTC_TIMESTAMP(6) WHERE id = @leadId AND status = 'pending'
            """, new { leadId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Stores an attempt and moves its lead on: done, or pending again at <paramref name="retryAt"/>.
    /// <paramref name="counts"/> false (trunk full) leaves the lead's attempt count as it was.
    /// </summary>
    public async Task RecordAsync(string campaign, CampaignAttempt attempt, bool counts, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO campaign_attempts (campaign, lead_id, number, attempt, outcome, sip_code, reason, call_id, started_at, answered_at, ended_at, setup_ms, talk_ms)
            SELECT @campaign, id, number, attempts + 1, @Outcome, @SipCode, @Reason, @CallId, @StartedAt, @AnsweredAt, @EndedAt, @SetupMs, @TalkMs
            FROM campaign_leads WHERE id = @LeadId
            """, new
        {
            campaign,
            attempt.LeadId,
            attempt.Outcome,
            attempt.SipCode,
            Reason = attempt.Reason.Length > 300 ? attempt.Reason[..300] : attempt.Reason,
            CallId = attempt.CallId.Length > 200 ? attempt.CallId[..200] : attempt.CallId,
            StartedAt = attempt.StartedAt.UtcDateTime,
            AnsweredAt = attempt.AnsweredAt?.UtcDateTime,
            EndedAt = attempt.EndedAt.UtcDateTime,
            SetupMs = attempt.AnsweredAt is { } answered ? (int?)(answered - attempt.StartedAt).TotalMilliseconds : null,
            TalkMs = attempt.AnsweredAt is { } talked ? (int?)(attempt.EndedAt - talked).TotalMilliseconds : null,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE campaign_leads SET status = @status, outcome = @Outcome, attempts = attempts + @counted, next_attempt_at = @retryAt,
                updated_at = UTC_TIMESTAMP(6)
            WHERE id = @LeadId
            """, new
        {
            status = retryAt is null ? Done : Pending,
            attempt.Outcome,
            counted = counts ? 1 : 0,
            retryAt = retryAt?.UtcDateTime,
            attempt.LeadId,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Gives a claimed lead back untouched (the run stopped before its INVITE went out).</summary>
    public async Task ReleaseAsync(long leadId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE campaign_leads SET status = 'pending', updated_at = UTC_TIMESTAMP(6) WHERE id = @leadId AND status = 'dialing'
            """, new { leadId }, cancellationToken: cancellationToken));
    }

    public async Task<long> StartRunAsync(string campaign, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO campaign_runs (campaign, started_at) VALUES (@campaign, UTC_TIMESTAMP(6)); SELECT LAST_INSERT_ID();
            """, new { campaign }, cancellationToken: cancellationToken));
    }

    public async Task EndRunAsync(long run, int placed, int shortage, string stoppedBy, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE campaign_runs SET ended_at = UTC_TIMESTAMP(6), placed = @placed, shortage = @shortage, stopped_by = @stoppedBy WHERE id = @run
            """, new { run, placed, shortage, stoppedBy }, cancellationToken: cancellationToken));
    }

    public async Task<CampaignSummary> SummaryAsync(string campaign, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { campaign };
        var leads = (await connection.QueryAsync<(string Status, string Outcome, long Count)>(new CommandDefinition("""
            SELECT status, IFNULL(outcome, ''), CAST(COUNT(*) AS SIGNED) FROM campaign_leads WHERE campaign = @campaign GROUP BY status, outcome
            """, parameters, cancellationToken: cancellationToken))).ToList();
        var attempts = (await connection.QueryAsync<(string Outcome, long Count)>(new CommandDefinition("""
            SELECT outcome, CAST(COUNT(*) AS SIGNED) FROM campaign_attempts WHERE campaign = @campaign GROUP BY outcome
            """, parameters, cancellationToken: cancellationToken))).ToDictionary(a => a.Outcome, a => (int)a.Count, StringComparer.Ordinal);
        var times = await connection.QuerySingleAsync<(long SetupMs, long Answered, DateTime? First, DateTime? Last)>(new CommandDefinition("""
            SELECT CAST(IFNULL(SUM(setup_ms), 0) AS SIGNED), CAST(COUNT(setup_ms) AS SIGNED), MIN(started_at), MAX(ended_at)
            FROM campaign_attempts WHERE campaign = @campaign
            """, parameters, cancellationToken: cancellationToken));
        var runs = await connection.QuerySingleAsync<(long Runs, long Shortage, long Micros, long Placed)>(new CommandDefinition("""
            SELECT CAST(COUNT(*) AS SIGNED), CAST(IFNULL(SUM(shortage), 0) AS SIGNED),
                   CAST(IFNULL(SUM(TIMESTAMPDIFF(MICROSECOND, started_at, IFNULL(ended_at, UTC_TIMESTAMP(6)))), 0) AS SIGNED),
                   CAST(IFNULL(SUM(placed), 0) AS SIGNED)
            FROM campaign_runs WHERE campaign = @campaign
            """, parameters, cancellationToken: cancellationToken));
        var outcomes = leads.Where(l => l.Outcome.Length > 0).GroupBy(l => l.Outcome, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (int)g.Sum(l => l.Count), StringComparer.Ordinal);
        var answered = attempts.GetValueOrDefault("answered");
        var dialled = attempts.Where(a => a.Key != "trunk_full").Sum(a => a.Value);
        static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
        return new CampaignSummary(
            campaign,
            (int)leads.Sum(l => l.Count),
            (int)leads.Where(l => l.Status == Pending).Sum(l => l.Count),
            (int)leads.Where(l => l.Status == Done).Sum(l => l.Count),
            outcomes,
            attempts.Values.Sum(),
            attempts,
            dialled == 0 ? null : Math.Round((double)answered / dialled, 3),
            times.Answered > 0 ? Math.Round((double)times.SetupMs / times.Answered, 1) : null,
            runs.Micros > 0 ? Math.Round(runs.Placed / (runs.Micros / 1e6), 2) : null,
            (int)runs.Shortage,
            (int)runs.Runs,
            Utc(times.First),
            Utc(times.Last));
    }
}
