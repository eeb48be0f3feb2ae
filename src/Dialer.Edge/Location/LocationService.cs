using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using Dialer.Peers.Model;

namespace Dialer.Edge.Location;

/// <summary>
/// The location service (RFC 3261 §10): bindings per extension in memory, read lock-free on the call path,
/// changed under a per-extension lock by the registrar; every change is queued for write-behind persistence.
/// Expired bindings are never returned and are swept every second.
/// </summary>
public sealed class LocationService : IDisposable
{
    private readonly ConcurrentDictionary<string, ImmutableList<Binding>> _bindings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly BindingWriter? _writer;
    private readonly ITimer _sweeper;
    private volatile BindingIndex? _index;

    public LocationService(TimeProvider time, BindingWriter? writer)
    {
        _time = time;
        _writer = writer;
        _sweeper = time.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Live bindings of an extension, highest q first, then newest.</summary>
    public IReadOnlyList<Binding> Lookup(string extension)
    {
        if (!_bindings.TryGetValue(extension, out var list))
        {
            return [];
        }
        var now = _time.GetUtcNow();
        return [.. list.Where(b => b.ExpiresAt > now).OrderByDescending(b => b.QMillis).ThenByDescending(b => b.RegisteredAt)];
    }

    /// <summary>The live binding with exactly this Contact URI (in-dialog requests to a phone), or null.</summary>
    public Binding? FindByContact(string contact) =>
        Index().ByContact.TryGetValue(contact, out var binding) && binding.ExpiresAt > _time.GetUtcNow() ? binding : null;

    /// <summary>Whether some live binding registered from this address (a phone calling from where it registered).</summary>
    public bool HasSource(System.Net.IPAddress address) => Index().Sources.Contains(address);

    public IReadOnlyList<Binding> All()
    {
        var now = _time.GetUtcNow();
        return [.. _bindings.Values.SelectMany(l => l).Where(b => b.ExpiresAt > now).OrderBy(b => b.Extension, StringComparer.Ordinal)];
    }

    /// <summary>Runs <paramref name="change"/> on an extension's live bindings atomically and stores what it returns.</summary>
    public T Update<T>(string extension, Func<IReadOnlyList<Binding>, (IReadOnlyList<Binding> Next, T Result)> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_locks.GetOrAdd(extension, _ => new object()))
        {
            var before = Lookup(extension);
            var (next, result) = change(before);
            _bindings[extension] = [.. next];
            _writer?.Changed(before, next);
            _index = null;
            return result;
        }
    }

    /// <summary>
    /// Bindings another node of the cluster stored (or removed: expired rows), merged without being written back: for
    /// each contact the one registered last wins, so a phone's refresh through any node replaces its binding on all.
    /// </summary>
    public void Merge(IEnumerable<Binding> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var now = _time.GetUtcNow();
        foreach (var group in stored.GroupBy(b => b.Extension, StringComparer.Ordinal))
        {
            lock (_locks.GetOrAdd(group.Key, _ => new object()))
            {
                var list = _bindings.TryGetValue(group.Key, out var current) ? current : [];
                var next = list;
                foreach (var binding in group)
                {
                    var mine = next.Find(b => b.Contact == binding.Contact);
                    if (mine is not null && (mine.RegisteredAt > binding.RegisteredAt || mine == binding))
                    {
                        continue;
                    }
                    next = mine is null ? next : next.Remove(mine);
                    next = binding.ExpiresAt > now ? next.Add(binding) : next;
                }
                if (!ReferenceEquals(next, list))
                {
                    _bindings[group.Key] = next;
                    _index = null;
                }
            }
        }
    }

    /// <summary>
    /// Removes every binding registered over one connection (its protocol and the phone's address and port), through
    /// <see cref="Update{T}"/> so the removal is written behind like any other; returns what was removed.
    /// </summary>
    public IReadOnlyList<Binding> RemoveFlow(string protocol, System.Net.IPEndPoint source)
    {
        var removed = new List<Binding>();
        foreach (var (extension, list) in _bindings)
        {
            if (list.Any(b => IsFlow(b, protocol, source)))
            {
                removed.AddRange(Update(extension, live =>
                {
                    var gone = live.Where(b => IsFlow(b, protocol, source)).ToList();
                    return (live.Where(b => !IsFlow(b, protocol, source)).ToList(), gone);
                }));
            }
        }
        return removed;
    }

    private static bool IsFlow(Binding binding, string protocol, System.Net.IPEndPoint source) =>
        binding.Protocol == protocol && binding.Source.Equals(source);

    /// <summary>Bindings reloaded from the database at start.</summary>
    public void Restore(IEnumerable<Binding> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        foreach (var group in bindings.GroupBy(b => b.Extension, StringComparer.Ordinal))
        {
            _bindings[group.Key] = [.. group];
        }
        _index = null;
    }

    /// <summary>Lookups by contact and by source, rebuilt on the first read after a change (registrations change far less often than calls read).</summary>
    private BindingIndex Index()
    {
        var index = _index;
        if (index is null)
        {
            var all = All();
            index = new BindingIndex(
                all.GroupBy(b => b.Contact, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
                all.Select(b => b.Source.Address).ToFrozenSet());
            _index = index;
        }
        return index;
    }

    private sealed record BindingIndex(FrozenDictionary<string, Binding> ByContact, FrozenSet<System.Net.IPAddress> Sources);

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (extension, list) in _bindings)
        {
            if (list.Any(b => b.ExpiresAt <= now))
            {
                Update(extension, live => (live, 0));
            }
        }
    }

    public void Dispose() => _sweeper.Dispose();
}
