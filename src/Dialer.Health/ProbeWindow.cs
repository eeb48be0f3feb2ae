namespace Dialer.Health;

/// <summary>A server's probes over the report window: RTT percentiles and availability.</summary>
public sealed class ProbeWindow
{
    private readonly Queue<(DateTimeOffset At, double? RttMs)> _samples = new();

    /// <summary>One probe at <paramref name="at"/>: the round trip of an alive answer, or null for a failed probe.</summary>
    public void Add(DateTimeOffset at, double? rttMs) => _samples.Enqueue((at, rttMs));

    /// <summary>Forgets samples older than <paramref name="since"/>.</summary>
    public void Trim(DateTimeOffset since)
    {
        while (_samples.Count > 0 && _samples.Peek().At < since)
        {
            _samples.Dequeue();
        }
    }

    public int Count => _samples.Count;

    /// <summary>Percentage of probes answered alive; null when there were none.</summary>
    public double? Availability => _samples.Count == 0 ? null : Math.Round(100.0 * _samples.Count(s => s.RttMs is not null) / _samples.Count, 1);

    /// <summary>The RTT below which <paramref name="percent"/> % of alive answers fall (nearest rank); null without any.</summary>
    public double? Percentile(double percent)
    {
        var rtts = _samples.Where(s => s.RttMs is not null).Select(s => s.RttMs!.Value).Order().ToArray();
        if (rtts.Length == 0)
        {
            return null;
        }
        var rank = (int)Math.Ceiling(percent / 100 * rtts.Length);
        return Math.Round(rtts[Math.Clamp(rank - 1, 0, rtts.Length - 1)], 1);
    }
}
