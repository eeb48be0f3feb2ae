using System.Collections.Concurrent;
using System.Globalization;

namespace Dialer.Campaigns;

/// <summary>
/// Counts a run's calls and shows them: a line redrawn in place on a terminal (placed / answered / failed, current
/// rate, ETA), or a plain log line every few seconds when output is redirected.
/// </summary>
public sealed class RunProgress(TextWriter output, bool terminal, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private DateTimeOffset _shownAt = DateTimeOffset.MinValue;
    private int _placed;

    public int Placed => Volatile.Read(ref _placed);
    public int Shortage { get; set; }
    public int InFlight { get; set; }
    public int Remaining { get; set; }

    public void CallPlaced()
    {
        Interlocked.Increment(ref _placed);
        lock (_recent)
        {
            _recent.Enqueue(time.GetUtcNow());
        }
    }

    public void CallEnded(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary>Calls placed per second over the last 10 s.</summary>
    public double Rate
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_recent)
            {
                while (_recent.Count > 0 && now - _recent.Peek() > TimeSpan.FromSeconds(10))
                {
                    _recent.Dequeue();
                }
                var span = Math.Min(10, Math.Max(1, (now - _started).TotalSeconds));
                return _recent.Count / span;
            }
        }
    }

    /// <summary>Shows the counters if it is time to (every 0.25 s on a terminal, 5 s in a log), or now when forced.</summary>
    public void Show(bool force = false)
    {
        var now = time.GetUtcNow();
        if (!force && now - _shownAt < (terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5)))
        {
            return;
        }
        _shownAt = now;
        var line = Line();
        if (terminal)
        {
            output.Write("\r" + line.PadRight(110));
        }
        else
        {
            output.WriteLine($"{now:HH:mm:ss} {line}");
        }
        output.Flush();
    }

    /// <summary>Ends the redrawn line on a terminal.</summary>
    public void Finish()
    {
        Show(force: true);
        if (terminal)
        {
            output.WriteLine();
        }
    }

    private string Line()
    {
        var rate = Rate;
        var failed = Count(LeadOutcome.Failed) + Count(LeadOutcome.Rejected);
        var eta = rate > 0 && Remaining > 0 ? TimeSpan.FromSeconds(Remaining / rate).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"placed {Placed} | answered {Count(LeadOutcome.Answered)} | busy {Count(LeadOutcome.Busy)} | no answer {Count(LeadOutcome.NoAnswer)} | " +
            $"failed {failed} | trunk full {Count(LeadOutcome.TrunkFull)} | in flight {InFlight} | {rate:0.0} cps | ETA {eta}");
    }

    private int Count(string outcome) => _outcomes.GetValueOrDefault(outcome);
}
