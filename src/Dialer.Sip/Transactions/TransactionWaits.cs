namespace Dialer.Sip.Transactions;

/// <summary>
/// The last wait of answered transactions (timers D, I, J, K, L and M): states that only absorb retransmissions until
/// their timer ends them. At a few thousand calls a second these are nearly every transaction alive (each call leaves
/// four of them for up to 32 s), so they get no timer each: a transaction waiting is one entry in a first-in first-out
/// lane per wait length (every entry of a lane has the same length, so a lane is in deadline order), and one timer of the
/// clock is armed for the earliest head. Ending a transaction early leaves its entry, which then finds it ended.
/// </summary>
public sealed class TransactionWaits
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<Lane> _lanes = [];
    private readonly ITimer _wake;
    private long _armedFor = long.MaxValue;

    public TransactionWaits(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _wake = time.CreateTimer(static state => ((TransactionWaits)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends <paramref name="transaction"/> once <paramref name="wait"/> has passed (zero: at the clock's next turn).</summary>
    internal void Add(SipTransaction transaction, TimeSpan wait)
    {
        lock (_gate)
        {
            // The time is read under the lock, so a lane's entries are queued in deadline order.
            var now = _time.GetTimestamp();
            var due = now + Stamps(wait);
            LaneFor(wait).Entries.Enqueue(new Entry(due, transaction));
            if (due < _armedFor)
            {
                Arm(due, now);
            }
        }
    }

    private Lane LaneFor(TimeSpan wait)
    {
        foreach (var lane in _lanes)
        {
            if (lane.Wait == wait)
            {
                return lane;
            }
        }
        var added = new Lane(wait);
        _lanes.Add(added);
        return added;
    }

    private void Fire()
    {
        List<SipTransaction>? ended = null;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var next = long.MaxValue;
            foreach (var lane in _lanes)
            {
                while (lane.Entries.TryPeek(out var entry) && entry.Due <= now)
                {
                    lane.Entries.Dequeue();
                    (ended ??= []).Add(entry.Transaction);
                }
                if (lane.Entries.TryPeek(out var head) && head.Due < next)
                {
                    next = head.Due;
                }
                if (lane.Entries.Count == 0 && lane.Entries.EnsureCapacity(0) > 4096)
                {
                    // A burst's worth of slots is not kept once the lane drained (a small lane keeps its few).
                    lane.Entries.TrimExcess();
                }
            }
            _armedFor = long.MaxValue;
            if (next != long.MaxValue)
            {
                Arm(next, now);
            }
        }
        if (ended is null)
        {
            return;
        }
        foreach (var transaction in ended)
        {
            transaction.Expire();
        }
    }

    /// <summary>Moves the one timer to <paramref name="due"/>; under the lock, so the latest decision wins.</summary>
    private void Arm(long due, long now)
    {
        _armedFor = due;
        var wait = due - now;
        var span = wait <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(wait * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency));
        try
        {
            _wake.Change(span, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The clock is gone (shutting down): nothing runs any more.
        }
    }

    /// <summary>A span in the clock's timestamp units, rounded up so that a wait never ends early.</summary>
    private long Stamps(TimeSpan span) => span <= TimeSpan.Zero ? 0 : (long)Math.Ceiling(span.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private readonly record struct Entry(long Due, SipTransaction Transaction);

    private sealed class Lane(TimeSpan wait)
    {
        public TimeSpan Wait { get; } = wait;
        public Queue<Entry> Entries { get; } = new();
    }
}
