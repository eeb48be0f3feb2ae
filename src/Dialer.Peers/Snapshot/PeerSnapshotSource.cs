namespace Dialer.Peers.Snapshot;

/// <summary>
/// Holds the current <see cref="PeerSnapshot"/> and swaps in a new one when the repository version moves.
/// Readers take <see cref="Current"/> once per request; the swap is a single reference write.
/// </summary>
public sealed class PeerSnapshotSource
{
    private PeerSnapshot _current = PeerSnapshot.Empty;

    public PeerSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after a newer snapshot was published.</summary>
    public event Action<PeerSnapshot>? Published;

    /// <returns>True when <paramref name="snapshot"/> was newer and is now current.</returns>
    public bool Publish(PeerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        while (true)
        {
            var current = Current;
            if (snapshot.Version <= current.Version)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _current, snapshot, current) == current)
            {
                Published?.Invoke(snapshot);
                return true;
            }
        }
    }
}
