namespace Dialer.Sip.Timing;

/// <summary>
/// A clock whose timers live in binary heaps (one per core, each with its own lock), each served by a single timer of
/// the clock it wraps. The edge arms
/// several timers per call (transaction timers A/B/D/E/F/J/K, timer C, the dialog timeout) and cancels most of them
/// within milliseconds; as runtime timers each one is a queue entry that the runtime's timer thread walks and locks,
/// and at thousands of calls per second those queues held ~150,000 timers and showed up as lock contention. Here a
/// timer is one small object with its heap index: arming, moving and cancelling are O(log n) under its heap's short lock,
/// and a cancelled timer leaves nothing behind (the dialog timeout of an ended call is gone, not kept for hours).
/// </summary>
/// <remarks>
/// Due timers run one after another on the thread the inner timer fires on, so callbacks must not block (the
/// transaction timers and the dialog table only retransmit, queue work or hand over). Times are the inner clock's
/// timestamps, so a manual clock in tests drives these timers exactly as it drives its own.
/// </remarks>
public sealed class TimerHeap : TimeProvider, IDisposable
{
    private readonly TimeProvider _inner;
    private readonly Shard[] _shards;

    /// <param name="inner">The clock whose time and one timer per shard drive these timers.</param>
    /// <param name="shards">Heaps, each with its own lock and inner timer; a timer stays on the one its creating thread chose.</param>
    public TimerHeap(TimeProvider inner, int shards = 0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _shards = new Shard[shards > 0 ? shards : Math.Max(1, Environment.ProcessorCount)];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Shard(inner);
        }
    }

    /// <summary>Timers armed and not yet run or cancelled.</summary>
    public int Count => _shards.Sum(s => s.Count);

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();
    public override long GetTimestamp() => _inner.GetTimestamp();
    public override long TimestampFrequency => _inner.TimestampFrequency;
    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new HeapTimer(_shards[(uint)Environment.CurrentManagedThreadId % (uint)_shards.Length], callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Dispose()
    {
        foreach (var shard in _shards)
        {
            shard.Dispose();
        }
    }

    private sealed class Shard : IDisposable
    {
        private readonly TimeProvider _inner;
        private readonly Lock _gate = new();
        private readonly ITimer _wake;
        private HeapTimer[] _heap = new HeapTimer[256];
        private int _count;
        private long _armedFor = long.MaxValue;
        private bool _disposed;

        public Shard(TimeProvider inner)
        {
            _inner = inner;
            _wake = inner.CreateTimer(static state => ((Shard)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _count;
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                for (var i = 0; i < _count; i++)
                {
                    _heap[i].Index = -1;
                    _heap[i] = null!;
                }
                _count = 0;
            }
            _wake.Dispose();
        }

        /// <summary>A span in the inner clock's timestamp units, rounded up so that a timer never runs early.</summary>
        private long Stamps(TimeSpan span) => span <= TimeSpan.Zero ? 0 : (long)Math.Ceiling(span.Ticks * (double)_inner.TimestampFrequency / TimeSpan.TicksPerSecond);

        private long Deadline(TimeSpan due) => _inner.GetTimestamp() + Stamps(due);

        /// <summary>Arms <paramref name="timer"/> for <paramref name="due"/> from now (infinite: disarms it).</summary>
        public void Set(HeapTimer timer, TimeSpan due, TimeSpan period)
        {
            var deadline = due == Timeout.InfiniteTimeSpan ? (long?)null : Deadline(due);
            lock (_gate)
            {
                timer.Period = period;
                if (timer.Index >= 0)
                {
                    RemoveAt(timer.Index);
                }
                if (deadline is not { } at || _disposed || timer.Disposed)
                {
                    return;
                }
                timer.Deadline = at;
                Push(timer);
                if (at < _armedFor)
                {
                    _armedFor = at;
                    Wake(at);
                }
            }
        }

        public void Cancel(HeapTimer timer)
        {
            lock (_gate)
            {
                timer.Disposed = true;
                if (timer.Index >= 0)
                {
                    RemoveAt(timer.Index);
                }
            }
        }

        /// <summary>Moves the one inner timer to <paramref name="at"/>; called under the lock, so the latest decision wins.</summary>
        private void Wake(long at)
        {
            var wait = at - _inner.GetTimestamp();
            var span = wait <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(wait * (double)TimeSpan.TicksPerSecond / _inner.TimestampFrequency));
            try
            {
                _wake.Change(span, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: nothing runs any more.
            }
        }

        private void Fire()
        {
            List<HeapTimer>? due = null;
            lock (_gate)
            {
                var now = _inner.GetTimestamp();
                while (_count > 0 && _heap[0].Deadline <= now)
                {
                    var timer = _heap[0];
                    RemoveAt(0);
                    (due ??= []).Add(timer);
                    if (timer.Period > TimeSpan.Zero && timer.Period != Timeout.InfiniteTimeSpan)
                    {
                        timer.Deadline = now + Stamps(timer.Period);
                        Push(timer);
                    }
                }
                _armedFor = _count > 0 ? _heap[0].Deadline : long.MaxValue;
                if (_armedFor != long.MaxValue)
                {
                    Wake(_armedFor);
                }
            }
            if (due is null)
            {
                return;
            }
            List<Exception>? failures = null;
            foreach (var timer in due)
            {
                try
                {
                    timer.Callback(timer.State);
                }
                catch (Exception error)
                {
                    (failures ??= []).Add(error);
                }
            }
            if (failures is not null)
            {
                // As a runtime timer's callback would: an exception escaping a timer is a bug and ends the process.
                throw new AggregateException("A timer callback failed", failures);
            }
        }

        private void Push(HeapTimer timer)
        {
            if (_count == _heap.Length)
            {
                Array.Resize(ref _heap, _heap.Length * 2);
            }
            _heap[_count] = timer;
            timer.Index = _count;
            _count++;
            Up(timer.Index);
        }

        private void RemoveAt(int index)
        {
            var removed = _heap[index];
            removed.Index = -1;
            _count--;
            if (index != _count)
            {
                var last = _heap[_count];
                _heap[index] = last;
                last.Index = index;
                if (!Up(index))
                {
                    Down(index);
                }
            }
            _heap[_count] = null!;
            if (_count < _heap.Length / 4 && _heap.Length > 256)
            {
                Array.Resize(ref _heap, _heap.Length / 2);
            }
        }

        /// <returns>True when the entry moved.</returns>
        private bool Up(int index)
        {
            var start = index;
            var timer = _heap[index];
            while (index > 0)
            {
                var parent = (index - 1) / 2;
                if (_heap[parent].Deadline <= timer.Deadline)
                {
                    break;
                }
                _heap[index] = _heap[parent];
                _heap[index].Index = index;
                index = parent;
            }
            _heap[index] = timer;
            timer.Index = index;
            return index != start;
        }

        private void Down(int index)
        {
            var timer = _heap[index];
            while (true)
            {
                var child = (2 * index) + 1;
                if (child >= _count)
                {
                    break;
                }
                if (child + 1 < _count && _heap[child + 1].Deadline < _heap[child].Deadline)
                {
                    child++;
                }
                if (_heap[child].Deadline >= timer.Deadline)
                {
                    break;
                }
                _heap[index] = _heap[child];
                _heap[index].Index = index;
                index = child;
            }
            _heap[index] = timer;
            timer.Index = index;
        }
    }

    private sealed class HeapTimer(Shard owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public long Deadline;
        public int Index = -1;
        public TimeSpan Period = Timeout.InfiniteTimeSpan;
        public bool Disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (Volatile.Read(ref Disposed))
            {
                return false;
            }
            owner.Set(this, dueTime, period);
            return true;
        }

        public void Dispose() => owner.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
