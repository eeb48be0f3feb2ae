using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;

namespace Dialer.Edge.Trunks;

/// <summary>
/// Which trunk carries a dialer's call (docs/architecture.md, "Trunk calls"): X-Dialer-Trunk, else the longest
/// dialPrefix (stripped).
/// </summary>
public static class TrunkSelector
{
    /// <returns>The trunk and the number with its dial prefix removed; null when no active trunk fits.</returns>
    public static (Trunk Trunk, string Number)? Select(PeerSnapshot snapshot, string number, string? forcedTrunk)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(number);
        if (!string.IsNullOrEmpty(forcedTrunk))
        {
            return snapshot.Trunks.TryGetValue(forcedTrunk, out var forced) && forced.Active ? (forced, number) : null;
        }
        var best = DialPrefixes.Longest(snapshot.ActiveTrunks, t => t.DialPrefix, number);
        return best is null ? null : (best, number[best.DialPrefix.Length..]);
    }

    /// <summary>The trunk's R-URI transformation (IvozProvider-style): strip leading digits, then add a prefix.</summary>
    public static string TransformNumber(Trunk trunk, string number)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(number);
        var stripped = trunk.RuriTransform.Strip >= number.Length ? "" : number[trunk.RuriTransform.Strip..];
        return trunk.RuriTransform.Prefix + stripped;
    }

    /// <summary>Servers in the order to try: active, by priority (lower first), then by weight at random (RFC 2782 style).</summary>
    public static IReadOnlyList<TrunkServer> Order(Trunk trunk, Func<TrunkServer, bool> isUsable, Func<int, int>? random = null)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(isUsable);
        random ??= Random.Shared.Next;
        var ordered = new List<TrunkServer>();
        foreach (var group in trunk.Servers.Where(s => s.Active && isUsable(s)).GroupBy(s => s.Priority).OrderBy(g => g.Key))
        {
            var pool = group.ToList();
            while (pool.Count > 0)
            {
                var total = pool.Sum(s => s.Weight);
                var pick = total == 0 ? 0 : random(total);
                var chosen = pool[^1];
                foreach (var server in pool)
                {
                    if (pick < server.Weight)
                    {
                        chosen = server;
                        break;
                    }
                    pick -= server.Weight;
                }
                pool.Remove(chosen);
                ordered.Add(chosen);
            }
        }
        return ordered;
    }
}
