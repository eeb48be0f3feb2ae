namespace Dialer.Host.Tests;

/// <summary>Concurrency as a carrier sees it: each INVITE arrival opens a call, each BYE arrival closes it, in arrival order.</summary>
public static class CarrierLog
{
    public static (int Peak, int Calls, int Open) Concurrency(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var open = new HashSet<string>(StringComparer.Ordinal);
        var peak = 0;
        var calls = 0;
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 2);
            if (parts.Length != 2)
            {
                continue;
            }
            if (parts[0] == "IN" && open.Add(parts[1]))
            {
                calls++;
                peak = Math.Max(peak, open.Count);
            }
            else if (parts[0] == "OUT")
            {
                open.Remove(parts[1]);
            }
        }
        return (peak, calls, open.Count);
    }
}
