namespace Dialer.Peers.Model;

/// <summary>
/// The routing rule of dialer calls (docs/architecture.md, "Trunk calls"): the trunk whose dialPrefix is the longest
/// prefix of the number.
/// </summary>
public static class DialPrefixes
{
    /// <returns>The candidate with the longest non-empty prefix that starts <paramref name="number"/>; null when none does.</returns>
    public static T? Longest<T>(IEnumerable<T> candidates, Func<T, string> prefixOf, string number)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(prefixOf);
        ArgumentNullException.ThrowIfNull(number);
        T? best = null;
        var bestLength = 0;
        foreach (var candidate in candidates)
        {
            var prefix = prefixOf(candidate);
            if (prefix.Length > bestLength && number.StartsWith(prefix, StringComparison.Ordinal))
            {
                best = candidate;
                bestLength = prefix.Length;
            }
        }
        return best;
    }
}
