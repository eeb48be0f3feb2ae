using Dialer.Campaigns.Calls;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Campaigns;

/// <summary>
/// The dialer process's loop: takes due leads from MariaDB, claims each before its INVITE goes out, and starts
/// calls as fast as the pacing asks (fixed calls per second, or dial level × agents in flight) and as the channels
/// allow, trunk by trunk: a lead waits while its trunk (the edge's longest dial prefix) has no channel for the
/// campaign, is spacing calls to its CPS cap, or is backing off after a 503 + Retry-After, and the leads of other
/// trunks go on meanwhile. Each call's outcome is stored as it ends; busy, unanswered and failed leads come back
/// after the retry delay up to the retry limit. When <c>stop</c> fires (SIGINT) no new call starts, calls in flight
/// finish and are stored, and the run ends; the next run picks up the leads still pending.
/// </summary>
public sealed partial class CampaignRunner(CampaignRunStore store, SipDialer dialer, ChannelAllowance allowance, RunProgress progress,
    CampaignRunOptions options, TimeProvider time, ILogger<CampaignRunner> logger)
{
    private const int Window = 500;
    private const string Unrouted = ""; // leads whose trunk is not known (no route, or the API unread): the edge decides
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);
    private readonly List<Task> _calls = [];
    private readonly List<CampaignLead> _due = [];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _trunkSlots = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
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
        if (options.Cps is not null ? now < _nextSlot : _calls.Count >= Math.Max(1, (int)Math.Ceiling(options.DialLevel * options.Agents)))
        {
            return false;
        }
        if (now - _fetchedAt >= TimeSpan.FromSeconds(_due.Count == 0 ? 0.25 : 2))
        {
            await FetchDueAsync(now);
        }
        if (_due.Count == 0)
        {
            return false;
        }
        await allowance.RefreshAsync(stop);
        var (next, trunk, held) = Pick(now);
        if (next is null)
        {
            // A call is wanted and no channel allows it: counted once per lead held back.
            if (held is not null && _heldLead != held.Id)
            {
                _heldLead = held.Id;
                Interlocked.Increment(ref _shortage);
            }
            return false;
        }
        _due.Remove(next);
        if (!await store.ClaimAsync(next.Id, CancellationToken.None))
        {
            return true; // another run took it; try the next one at once
        }
        if (options.Cps is { } cps)
        {
            _nextSlot = Spaced(_nextSlot, now, cps);
        }
        if (allowance.CpsCapOf(trunk) is > 0 and var cap)
        {
            _trunkSlots[trunk] = Spaced(_trunkSlots.GetValueOrDefault(trunk, DateTimeOffset.MinValue), now, cap);
        }
        lock (_gate)
        {
            _inFlight[trunk] = _inFlight.GetValueOrDefault(trunk) + 1;
        }
        progress.CallPlaced();
        _calls.Add(Task.Run(() => CallAsync(next, trunk), CancellationToken.None));
        return true;
    }

    /// <summary>The first due lead whose trunk can take a call now, and the first lead held back for want of a channel.</summary>
    private (CampaignLead? Next, string Trunk, CampaignLead? Held) Pick(DateTimeOffset now)
    {
        CampaignLead? held = null;
        foreach (var lead in _due)
        {
            var trunk = allowance.TrunkOf(lead.Number) ?? Unrouted;
            if (IsPaused(trunk, now) || now < _trunkSlots.GetValueOrDefault(trunk, DateTimeOffset.MinValue))
            {
                continue;
            }
            if (!allowance.Allows(trunk, InFlightOn(trunk)))
            {
                held ??= lead;
                continue;
            }
            return (lead, trunk, held);
        }
        return (null, Unrouted, held);
    }

    private async Task FetchDueAsync(DateTimeOffset now)
    {
        _fetchedAt = now;
        _due.Clear();
        _due.AddRange(await store.DueAsync(options.Campaign, now, Window, CancellationToken.None));
        progress.Remaining = (await store.PendingAsync(options.Campaign, CancellationToken.None)).Pending;
    }

    /// <summary>The next free slot of a pacer at <paramref name="rate"/> calls per second (no burst after an idle second).</summary>
    private static DateTimeOffset Spaced(DateTimeOffset slot, DateTimeOffset now, double rate) =>
        (now > slot + TimeSpan.FromSeconds(1) ? now : slot) + TimeSpan.FromSeconds(1 / rate);

    private int InFlightOn(string trunk)
    {
        lock (_gate)
        {
            return _inFlight.GetValueOrDefault(trunk);
        }
    }

    private bool IsPaused(string trunk, DateTimeOffset now)
    {
        lock (_gate)
        {
            return now < _pausedUntil.GetValueOrDefault(trunk, DateTimeOffset.MinValue);
        }
    }

    private async Task CallAsync(CampaignLead lead, string trunk)
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
            lock (_gate)
            {
                if (retryAt > _pausedUntil.GetValueOrDefault(trunk, DateTimeOffset.MinValue))
                {
                    _pausedUntil[trunk] = retryAt.Value;
                }
            }
            Interlocked.Increment(ref _shortage);
            LogBackingOff(logger, trunk == Unrouted ? "every trunk" : trunk, result.Reason, wait.TotalSeconds);
        }
        else if (LeadOutcome.IsRetryable(result.Outcome) && lead.Attempts + 1 <= options.Retries)
        {
            retryAt = result.EndedAt + options.RetryDelay;
        }
        var attempt = new CampaignAttempt(lead.Id, lead.Number, result.Outcome, result.Code, result.Reason, result.CallId, result.StartedAt, result.AnsweredAt,
            result.EndedAt);
        lock (_gate)
        {
            _inFlight[trunk]--;
        }
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

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Edge refused a call ({Reason}); backing off {Trunk} for {Seconds} s")]
    private static partial void LogBackingOff(ILogger logger, string trunk, string reason, double seconds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Outcome of the call to {Number} not stored yet ({Reason}); retrying")]
    private static partial void LogRecordRetry(ILogger logger, string number, string reason);
}
