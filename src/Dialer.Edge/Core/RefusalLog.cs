using System.Net;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

/// <summary>
/// The log of requests the edge refused statelessly (403 to strangers, 481, 483, 420 ...), rate-limited so a flood cannot
/// fill the disk: the first refusal from a source is logged at once, then one line per source per interval with how many
/// more there were. At most <c>capacity</c> sources are tracked; refusals from sources past that are summed in one line.
/// A source with no refusal for a whole interval is forgotten. Nothing here is kept once the refusals stop.
/// </summary>
public sealed partial class RefusalLog(TimeProvider time, ILogger<RefusalLog> logger, TimeSpan interval, int capacity = 1_000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, Entry> _sources = [];
    private long _untracked;
    private long _total;
    private ITimer? _timer;

    /// <summary>Stateless refusals since start (/metrics).</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Sources tracked now (bounded by the capacity).</summary>
    public int Sources
    {
        get
        {
            lock (_gate)
            {
                return _sources.Count;
            }
        }
    }

    public void Refused(SipEndpoint source, SipMethod method, int status)
    {
        Interlocked.Increment(ref _total);
        var address = source.Address.Address;
        var first = false;
        lock (_gate)
        {
            if (_sources.TryGetValue(address, out var entry))
            {
                entry.Count++;
                (entry.Method, entry.Status) = (method, status);
            }
            else if (_sources.Count < capacity)
            {
                _sources[address] = new Entry { Method = method, Status = status };
                first = true;
            }
            else
            {
                _untracked++;
            }
            // Runs only while there are refusals to report; stops itself once a whole interval had none.
            _timer ??= time.CreateTimer(_ => Sweep(), null, interval, interval);
        }
        if (first)
        {
            LogFirst(logger, method, source, status);
        }
    }

    private void Sweep()
    {
        List<(IPAddress Address, Entry Figures)> repeated = [];
        long untracked;
        lock (_gate)
        {
            foreach (var (address, entry) in _sources)
            {
                if (entry.Count == 0)
                {
                    _sources.Remove(address);
                    continue;
                }
                repeated.Add((address, new Entry { Count = entry.Count, Method = entry.Method, Status = entry.Status }));
                entry.Count = 0;
            }
            untracked = _untracked;
            _untracked = 0;
            if (_sources.Count == 0 && untracked == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
        var seconds = (int)interval.TotalSeconds;
        foreach (var (address, figures) in repeated)
        {
            LogRepeated(logger, figures.Count, address, seconds, figures.Method, figures.Status);
        }
        if (untracked > 0)
        {
            LogUntracked(logger, untracked, seconds, capacity);
        }
    }

    private sealed class Entry
    {
        public int Count;
        public SipMethod Method;
        public int Status;
    }

    [LoggerMessage(EventId = 2405, Level = LogLevel.Information, Message = "Refused {Method} from {Source} with {Status}; further refusals from it are summed per interval")]
    private static partial void LogFirst(ILogger logger, SipMethod method, SipEndpoint source, int status);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Information, Message = "Refused {Count} more requests from {Source} in the last {Seconds} s (last: {Method} with {Status})")]
    private static partial void LogRepeated(ILogger logger, int count, IPAddress source, int seconds, SipMethod method, int status);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning, Message = "Refused {Count} requests in the last {Seconds} s from sources past the {Capacity} tracked")]
    private static partial void LogUntracked(ILogger logger, long count, int seconds, int capacity);
}
