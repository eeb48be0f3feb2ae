using System.Globalization;
using Dialer.Testing;

namespace Dialer.Host.Tests;

/// <summary>SIPp acting as a phone against the edge, with the scenarios under Sipp/.</summary>
public static class SippPhone
{
    /// <param name="scenario">register, register-refused or register-locked.</param>
    /// <param name="edgePort">The edge's UDP port.</param>
    /// <param name="extension">Field 0.</param>
    /// <param name="password">Field 1.</param>
    /// <param name="expires">Field 2.</param>
    /// <returns>SIPp's result: exit code 0 when the scenario ran as written.</returns>
    public static async Task<Sipp.Result> RunAsync(string scenario, int edgePort, string extension, string password = "", int expires = 3600)
    {
        var scenarioFile = Path.GetTempFileName();
        try
        {
            var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Sipp", scenario + ".xml"));
            await File.WriteAllTextAsync(scenarioFile, template.Replace("{extension}", extension, StringComparison.Ordinal)
                .Replace("{password}", password, StringComparison.Ordinal)
                .Replace("{expires}", expires.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            return await Sipp.RunAsync(
                ["-sf", scenarioFile, "-m", "1", "-t", "u1", "-i", "127.0.0.1", "-p", Sipp.FreeUdpPort().ToString(CultureInfo.InvariantCulture),
                 $"127.0.0.1:{edgePort.ToString(CultureInfo.InvariantCulture)}"],
                TimeSpan.FromSeconds(20));
        }
        finally
        {
            File.Delete(scenarioFile);
        }
    }
}
