namespace Dialer.Peers.Model;

/// <summary>
/// A phone's outbound trunks: [] none, ["*"] every trunk, otherwise trunk names. Stored as one column: "" none,
/// "*" all, else the names comma separated (trunk names cannot hold a comma).
/// </summary>
public static class OutboundTrunkList
{
    /// <summary>The one element that means every trunk.</summary>
    public const string All = "*";

    public static bool Allows(IReadOnlyList<string> outboundTrunks, string trunkName)
    {
        ArgumentNullException.ThrowIfNull(outboundTrunks);
        if (string.IsNullOrEmpty(trunkName))
        {
            return false;
        }
        foreach (var name in outboundTrunks)
        {
            if (name == All || string.Equals(name, trunkName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public static string Join(IReadOnlyList<string> outboundTrunks) => string.Join(',', outboundTrunks);

    public static string[] Split(string stored) =>
        stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
