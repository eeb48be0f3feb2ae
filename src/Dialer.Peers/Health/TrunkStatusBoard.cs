using System.Collections.Concurrent;

namespace Dialer.Peers.Health;

/// <summary>
/// The trunk servers' health, shared between the health jobs (which write it) and the edge's router (which reads it
/// per call, lock-free). The edge also reports call failures here as passive signals for the health state machine;
/// neither side references the other (docs/architecture.md, "Health").
/// </summary>
public sealed class TrunkStatusBoard
{
    private readonly ConcurrentDictionary<TrunkServerKey, ServerStatus> _servers = new();

    /// <summary>A call to the server failed (408, 503, timeout, transport error): the cause in words.</summary>
    public event Action<TrunkServerKey, string>? CallFailed;

    /// <summary>A server's state changed (written by the health state machine).</summary>
    public event Action<TrunkServerKey, ServerStatus>? Changed;

    public ServerStatus StatusOf(TrunkServerKey key) => _servers.GetValueOrDefault(key) ?? ServerStatus.Unknown;

    /// <summary>Whether a new call may go to the server: not down, not disabled.</summary>
    public bool IsRoutable(TrunkServerKey key) =>
        !_servers.TryGetValue(key, out var status) || ServerHealthStates.IsRoutable(status.State);

    public IReadOnlyDictionary<TrunkServerKey, ServerStatus> All() => new Dictionary<TrunkServerKey, ServerStatus>(_servers);

    /// <summary>Records the server's status; raises <see cref="Changed"/> when the state moved.</summary>
    public void Publish(TrunkServerKey key, ServerStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var before = _servers.GetValueOrDefault(key);
        _servers[key] = status;
        if (before is null || before.State != status.State)
        {
            Changed?.Invoke(key, status);
        }
    }

    /// <summary>Drops servers that are no longer configured.</summary>
    public void Retain(IReadOnlySet<TrunkServerKey> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        foreach (var key in _servers.Keys)
        {
            if (!configured.Contains(key))
            {
                _servers.TryRemove(key, out _);
            }
        }
    }

    public void ReportCallFailure(TrunkServerKey key, string cause) => CallFailed?.Invoke(key, cause);
}
