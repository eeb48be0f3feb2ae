using System.Collections.Concurrent;

namespace Dialer.Edge.Registrar;

/// <summary>
/// Counts failed digest attempts per key (a source address, an extension) in a fixed window and locks a key for
/// the cool-off once it reaches the limit, like fail2ban in front of Asterisk but without the log parsing.
/// </summary>
public sealed class AuthLockout(LockoutSettings settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool IsLocked(string key) =>
        _entries.TryGetValue(key, out var entry) && entry.LockedUntil > time.GetUtcNow();

    /// <returns>True when this failure locked the key (log it once).</returns>
    public bool Fail(string key)
    {
        var now = time.GetUtcNow();
        var locked = false;
        Entry Next(Entry entry)
        {
            var fresh = now - entry.WindowStart > settings.Window ? new Entry(now, 0, entry.LockedUntil) : entry;
            var count = fresh.Count + 1;
            if (count >= settings.MaxFailures && fresh.LockedUntil <= now)
            {
                locked = true;
                return new Entry(now, 0, now + settings.CoolOff);
            }
            return fresh with { Count = count };
        }
        _entries.AddOrUpdate(key, _ => Next(new Entry(now, 0, DateTimeOffset.MinValue)), (_, entry) => Next(entry));
        Sweep(now);
        return locked;
    }

    public void Succeed(string key)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.LockedUntil <= time.GetUtcNow())
        {
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Keeps memory bounded under a flood of distinct keys.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (_entries.Count < 10_000)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (entry.LockedUntil <= now && now - entry.WindowStart > settings.Window)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(DateTimeOffset WindowStart, int Count, DateTimeOffset LockedUntil);
}
