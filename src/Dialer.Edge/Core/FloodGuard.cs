using System.Collections.Concurrent;
using System.Net;
using Dialer.Peers.Model;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

/// <summary>Edge:Flood — the per-source request limiter (Kamailio's pike).</summary>
public sealed record FloodSettings
{
    public bool Enabled { get; init; } = true;
    /// <summary>The sampling window.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Messages from one source address in one window before it is blocked.</summary>
    public int MaxRequests { get; init; } = 1000;
    /// <summary>How long a blocked source is dropped.</summary>
    public TimeSpan CoolOff { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Sources tracked at most; beyond it new sources are not tracked (each of them is then only a trickle).</summary>
    public int MaxSources { get; init; } = 100_000;
    /// <summary>Never limited, besides Edge:DialerAcl and the trunks' ACLs (a call centre's NAT address, for instance).</summary>
    public IReadOnlyList<Cidr> Exempt { get; init; } = [];
}

/// <summary>
/// Drops everything from a source address that sends more than <see cref="FloodSettings.MaxRequests"/> messages in a
/// window, silently, for the cool-off (Kamailio's pike): a flood costs one dictionary update per datagram and gets no
/// answer. Dialers, carriers and exempt CIDRs are never limited. Each block is logged once and counted.
/// </summary>
public sealed partial class FloodGuard(FloodSettings settings, Func<IPAddress, bool> trusted, TimeProvider time, ILogger<FloodGuard> logger)
{
    private static readonly TimeSpan s_trustRecheck = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<IPAddress, Counter> _sources = new();
    private readonly ConcurrentDictionary<IPAddress, long> _trusted = new();
    private long _blocks;
    private long _dropped;
    private long _lastSweep;

    /// <summary>Sources blocked so far.</summary>
    public long Blocks => Interlocked.Read(ref _blocks);
    /// <summary>Messages dropped while their source was blocked.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    public int Tracked => Volatile.Read(ref _tracked);

    // Counted apart: ConcurrentDictionary.Count takes every bucket lock, too dear on a flood of new sources.
    private int _tracked;
    private int _trustedCount;

    /// <returns>False when the message is to be dropped.</returns>
    public bool Allow(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!settings.Enabled)
        {
            return true;
        }
        var address = source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
        var now = time.GetUtcNow().UtcTicks;
        // Trust (dialer ACL, trunk ACLs, exempt CIDRs) is looked up once every few seconds per address, not per datagram.
        if (_trusted.TryGetValue(address, out var checkedAt) && now - checkedAt < s_trustRecheck.Ticks)
        {
            return true;
        }
        if (IsTrusted(address))
        {
            if (_trusted.ContainsKey(address))
            {
                _trusted[address] = now;
            }
            else if (Volatile.Read(ref _trustedCount) < settings.MaxSources && _trusted.TryAdd(address, now))
            {
                Interlocked.Increment(ref _trustedCount);
            }
            return true;
        }
        if (_trusted.TryRemove(address, out _))
        {
            Interlocked.Decrement(ref _trustedCount);
        }
        if (!_sources.TryGetValue(address, out var counter))
        {
            if (Volatile.Read(ref _tracked) >= settings.MaxSources)
            {
                Sweep(now);
                if (Volatile.Read(ref _tracked) >= settings.MaxSources)
                {
                    return true;
                }
            }
            var fresh = new Counter(now);
            counter = _sources.GetOrAdd(address, fresh);
            if (ReferenceEquals(counter, fresh))
            {
                Interlocked.Increment(ref _tracked);
            }
        }
        return counter.Count(now, settings, out var blockedNow) || Refuse(address, blockedNow);
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var cidr in settings.Exempt)
        {
            if (cidr.Contains(address))
            {
                return true;
            }
        }
        return trusted(address);
    }

    private bool Refuse(IPAddress address, bool blockedNow)
    {
        Interlocked.Increment(ref _dropped);
        if (blockedNow)
        {
            Interlocked.Increment(ref _blocks);
            LogBlocked(logger, address, settings.MaxRequests, settings.Window.TotalSeconds, settings.CoolOff.TotalSeconds);
        }
        return false;
    }

    /// <summary>Forgets sources that are neither blocked nor counting in the current window; at most once a second.</summary>
    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }
        foreach (var (address, counter) in _sources)
        {
            if (counter.IsIdle(now, settings) && _sources.TryRemove(address, out _))
            {
                Interlocked.Decrement(ref _tracked);
            }
        }
        foreach (var (address, checkedAt) in _trusted)
        {
            if (now - checkedAt >= s_trustRecheck.Ticks && _trusted.TryRemove(address, out _))
            {
                Interlocked.Decrement(ref _trustedCount);
            }
        }
    }

    /// <summary>One source's window and block; trusted sources never get one.</summary>
    private sealed class Counter(long start)
    {
        private readonly Lock _gate = new();
        private long _windowStart = start;
        private int _count;
        private long _blockedUntil;

        /// <returns>True when allowed.</returns>
        public bool Count(long now, FloodSettings settings, out bool blockedNow)
        {
            blockedNow = false;
            lock (_gate)
            {
                if (now < _blockedUntil)
                {
                    return false;
                }
                if (now - _windowStart >= settings.Window.Ticks)
                {
                    _windowStart = now;
                    _count = 0;
                }
                if (++_count <= settings.MaxRequests)
                {
                    return true;
                }
                _blockedUntil = now + settings.CoolOff.Ticks;
                blockedNow = true;
                return false;
            }
        }

        public bool IsIdle(long now, FloodSettings settings)
        {
            lock (_gate)
            {
                return now >= _blockedUntil && now - _windowStart >= settings.Window.Ticks;
            }
        }
    }

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning,
        Message = "Flood from {Source}: more than {Max} messages in {Window} s, dropped for {CoolOff} s")]
    private static partial void LogBlocked(ILogger logger, IPAddress source, int max, double window, double coolOff);
}
