namespace Dialer.Edge.Trunks;

/// <summary>
/// A token bucket for calls per second: holds up to <c>rate</c> tokens (at least one), refilled continuously at <c>rate</c>
/// per second from the injected clock. A rate of 0 means no limit.
/// </summary>
internal sealed class CpsBucket(TimeProvider time)
{
    private double _tokens = -1;
    private long _last;

    /// <summary>Takes one token when available. Call under the trunk's lock.</summary>
    public bool TryTake(double rate)
    {
        if (rate <= 0)
        {
            return true;
        }
        var now = time.GetTimestamp();
        // A share of a cluster's cap may be under one call a second: the bucket still holds one whole call.
        var burst = Math.Max(1, rate);
        if (_tokens < 0)
        {
            _tokens = burst;
        }
        else
        {
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * rate));
        }
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }
        _tokens -= 1;
        return true;
    }
}
