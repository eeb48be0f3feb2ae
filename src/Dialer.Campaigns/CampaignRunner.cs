using Dialer.Campaigns.Calls;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Campaigns;

/// <summary>
/// The dialer process's loop: takes due leads from MariaDB, claims each before its INVITE goes out, and starts
/// calls as fast as the pacing asks (fixed calls per second, or dial level × agents in flight) and as the channels
/// allow (the edge's /api/channels, and 503 + Retry-After backing the whole run off). Each call's outcome is stored
/// as it ends; busy, unanswered and failed leads come back after the retry delay up to the retry limit. When
/// <c>stop</c> fires (SIGINT) no new call starts, calls in flight finish and are stored, and the run ends;
/// the next run picks up the leads still pending.
/// </summary>
public sealed partial class CampaignRunner(CampaignRunStore store, SipDialer dialer, ChannelAllowance allowance, RunProgress progress,
    CampaignRunOptions options, TimeProvider time, ILogger<CampaignRunner> logger)
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);
    private readonly List<Task> _calls = [];
    private readonly Queue<CampaignLead> _due = new();
    private readonly Lock _pause = new();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private long _heldLead = -1;
    private int _shortage;

    /// <summary>Runs until every lead is done or <paramref name="stop"/> fires; returns "done" or "interrupted".</summary>
    public async Task<string> RunAsync(CancellationToken stop)
    {
        var run = await store.StartRunAsync(options.Campaign, CancellationToken.None);
        var stoppedBy = "interrupted";
        try
        {
            while (!stop.IsCancellationRequested)
            {
                _calls.RemoveAll(c => c.IsCompleted);
                progress.InFlight = _calls.Count;
                progress.Shortage = _shortage;
                progress.Show();
                if (!await TryStartAsync(stop))
                {
                    if (_calls.Count == 0 && _due.Count == 0 && (await store.PendingAsync(options.Campaign, CancellationToken.None)).Pending == 0)
                    {
                        stoppedBy = "done";
                        break;
                    }
                    await WaitAsync(stop);
                }
            }
        }
        finally
        {
            await Task.WhenAll(_calls);
            progress.InFlight = 0;
            progress.Shortage = _shortage;
            progress.Finish();
            await store.EndRunAsync(run, progress.Placed, _shortage, stoppedBy, CancellationToken.None);
        }
        return stoppedBy;
    }

    /// <summary>Starts one call if pacing, channels and leads allow; false when it did not.</summary>
    private async Task<bool> TryStartAsync(CancellationToken stop)
    {
        var now = time.GetUtcNow();
        DateTimeOffset pausedUntil;
        lock (_pause)
        {
            pausedUntil = _pausedUntil;
        }
        if (now < pausedUntil || now < _nextSlot)
        {
            return false;
        }
        if (options.Cps is null && _calls.Count >= Math.Max(1, (int)Math.Ceiling(options.DialLevel * options.Agents)))
        {
            return false;
        }
        if (_due.Count == 0)
        {
            foreach (var lead in await store.DueAsync(options.Campaign, now, 100, CancellationToken.None))
            {
                _due.Enqueue(lead);
            }
            var (pending, _) = await store.PendingAsync(options.Campaign, CancellationToken.None);
            progress.Remaining = pending;
            if (_due.Count == 0)
            {
                return false;
            }
        }
        if (await allowance.AllowedAsync(_calls.Count, stop) is { } allowed && _calls.Count >= allowed)
        {
            // A call is wanted and the channels do not allow it: counted once per lead held back.
            if (_heldLead != _due.Peek().Id)
            {
                _heldLead = _due.Peek().Id;
                Interlocked.Increment(ref _shortage);
            }
            return false;
        }
        var next = _due.Dequeue();
        if (!await store.ClaimAsync(next.Id, CancellationToken.None))
        {
            return true; // another run took it; try the next one at once
        }
        if (options.Cps is { } cps)
        {
            _nextSlot = (now > _nextSlot + TimeSpan.FromSeconds(1) ? now : _nextSlot) + TimeSpan.FromSeconds(1 / cps);
        }
        progress.CallPlaced();
        _calls.Add(Task.Run(() => CallAsync(next), CancellationToken.None));
        return true;
    }

    private async Task CallAsync(CampaignLead lead)
    {
        CallResult result;
        try
        {
            result = await dialer.CallAsync(new CallRequest(lead.Number, options.Campaign, options.DialTimeout, options.TalkTime), CancellationToken.None);
        }
#pragma warning disable CA1031 // a call that throws is recorded as failed; the run goes on
        catch (Exception error)
#pragma warning restore CA1031
        {
            var now = time.GetUtcNow();
            result = new CallResult(LeadOutcome.Failed, null, $"dialer error: {error.Message}", "", now, null, now, null);
        }
        progress.CallEnded(result.Outcome);
        DateTimeOffset? retryAt = null;
        var counts = result.Outcome != LeadOutcome.TrunkFull;
        if (!counts)
        {
            var wait = result.RetryAfter is { } after && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);
            retryAt = result.EndedAt + wait;
            lock (_pause)
            {
                if (retryAt > _pausedUntil)
                {
                    _pausedUntil = retryAt.Value;
                }
            }
            Interlocked.Increment(ref _shortage);
            LogBackingOff(logger, result.Reason, wait.TotalSeconds);
        }
        else if (LeadOutcome.IsRetryable(result.Outcome) && lead.Attempts + 1 <= options.Retries)
        {
            retryAt = result.EndedAt + options.RetryDelay;
        }
        var attempt = new CampaignAttempt(lead.Id, lead.Number, result.Outcome, result.Code, result.Reason, result.CallId, result.StartedAt, result.AnsweredAt,
            result.EndedAt);
        await RecordAsync(attempt, counts, retryAt);
    }

    /// <summary>Stores an outcome, retrying through a database outage so that no finished call is lost.</summary>
    private async Task RecordAsync(CampaignAttempt attempt, bool counts, DateTimeOffset? retryAt)
    {
        for (var delay = TimeSpan.FromMilliseconds(500); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks)))
        {
            try
            {
                await store.RecordAsync(options.Campaign, attempt, counts, retryAt, CancellationToken.None);
                return;
            }
            catch (Exception error) when (error is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogRecordRetry(logger, attempt.Number, error.Message);
                await Task.Delay(delay, time);
            }
        }
    }

    private async Task WaitAsync(CancellationToken stop)
    {
        try
        {
            var running = _calls.Where(c => !c.IsCompleted).ToList();
            running.Add(Task.Delay(s_tick, time, stop));
            await Task.WhenAny(running);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Edge refused a call ({Reason}); backing off {Seconds} s")]
    private static partial void LogBackingOff(ILogger logger, string reason, double seconds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Outcome of the call to {Number} not stored yet ({Reason}); retrying")]
    private static partial void LogRecordRetry(ILogger logger, string number, string reason);
}
