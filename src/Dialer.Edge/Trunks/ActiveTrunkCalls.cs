using System.Collections.Concurrent;

namespace Dialer.Edge.Trunks;

/// <summary>
/// Answered trunk calls by Call-ID, each holding its channel until a BYE through the edge is answered or the dialog timeout
/// fires (so a lost BYE never leaks a channel).
/// </summary>
public sealed class ActiveTrunkCalls(TimeProvider time, TimeSpan maxDuration)
{
    private readonly ConcurrentDictionary<string, (ChannelLease Lease, ITimer Timer, System.Net.IPEndPoint Dialer)> _calls = new(StringComparer.Ordinal);

    public void Answered(string callId, ChannelLease lease, System.Net.IPEndPoint dialer)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var timer = time.CreateTimer(_ => End(callId, null), null, maxDuration, Timeout.InfiniteTimeSpan);
        if (!_calls.TryAdd(callId, (lease, timer, dialer)))
        {
            timer.Dispose();
        }
    }

    /// <summary>The call ended (a BYE from <paramref name="byeFrom"/> was answered, or null: the dialog timed out): its channel returns, once.</summary>
    public bool End(string callId, System.Net.IPEndPoint? byeFrom)
    {
        if (!_calls.TryRemove(callId, out var call))
        {
            return false;
        }
        call.Timer.Dispose();
        if (call.Lease.Record is { } record)
        {
            record.HangupSide = byeFrom is null ? "timeout" : byeFrom.Equals(call.Dialer) ? "dialer" : "carrier";
        }
        return call.Lease.Release();
    }
}
