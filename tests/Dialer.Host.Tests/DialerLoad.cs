using System.Globalization;
using Dialer.Testing;

namespace Dialer.Host.Tests;

/// <summary>A SIPp dialer (Sipp/dialer-load.xml) placing calls to a number through the edge on <c>127.0.0.1:sipPort</c>.</summary>
public static class DialerLoad
{
    /// <summary>
    /// <paramref name="calls"/> calls to <paramref name="number"/> at <paramref name="rate"/> per second through the edge on
    /// <paramref name="sipPort"/>, each answered call held <paramref name="holdMs"/> ms before the dialer's BYE, with
    /// X-Dialer-Campaign <paramref name="campaign"/> ("none" for none); SIPp may run <paramref name="within"/> (60 s when null).
    /// </summary>
    public static async Task<Sipp.Result> RunAsync(int sipPort, string number, int calls, int rate, int holdMs, string campaign = "none",
        TimeSpan? within = null)
    {
        var scenario = Path.Combine(Path.GetTempPath(), $"dialer-load-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(scenario, SippScenario.Load("dialer-load", ("extension", number),
            ("hold", holdMs.ToString(CultureInfo.InvariantCulture)), ("campaign", campaign)));
        try
        {
            return await Sipp.RunAsync(["-sf", scenario, "-i", "127.0.0.1", "-p", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "-t", "u1",
                "-m", calls.ToString(CultureInfo.InvariantCulture), "-r", rate.ToString(CultureInfo.InvariantCulture), "-l", "500",
                $"127.0.0.1:{sipPort}"], within ?? TimeSpan.FromSeconds(60));
        }
        finally
        {
            File.Delete(scenario);
        }
    }
}
