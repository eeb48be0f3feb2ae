using System.Globalization;
using Dialer.Testing;

namespace Dialer.Host.Tests;

/// <summary>SIPp acting as a phone, a dialer or a carrier against the edge, with the scenario templates under Sipp/.</summary>
public static class SippPhone
{
    /// <summary>What a scenario template gets filled in with (SIPp does not expand [field] inside [authentication]).</summary>
    public sealed record Values
    {
        public string Extension { get; init; } = "";
        /// <summary>The calling phone's extension (phone-call).</summary>
        public string Caller { get; init; } = "";
        public string Password { get; init; } = "";
        public int Expires { get; init; } = 3600;
        /// <summary>The final status the register scenario expects.</summary>
        public int Status { get; init; } = 200;
        /// <summary>The Contact port to register; defaults to the SIPp process's own port.</summary>
        public int? ContactPort { get; init; }
        /// <summary>The loopback address SIPp sends from (127.0.0.2 plays a host outside every ACL).</summary>
        public string LocalIp { get; init; } = "127.0.0.1";
        public int LocalPort { get; init; } = LoopbackPorts.Free();
        /// <summary>Where dialer-call-elsewhere sends its BYE (another node's UDP port), and how long it holds the call first.</summary>
        public int ByePort { get; init; }
        /// <summary>Where dialer-call-routed sends its ACK and BYE (the node its route set names).</summary>
        public int RoutePort { get; init; }
        public int HoldMs { get; init; } = 200;
        /// <summary>The edge's address as SIPp writes it: "127.0.0.1", or "[::1]" for IPv6.</summary>
        public string EdgeHost { get; init; } = "127.0.0.1";
    }

    public static Task<Sipp.Result> RunAsync(string scenario, int edgePort, string extension, string password = "", int expires = 3600) =>
        RunAsync(scenario, edgePort, new Values { Extension = extension, Password = password, Expires = expires });

    /// <param name="scenario">A template under Sipp/ without .xml.</param>
    /// <param name="edgePort">The edge's UDP port; null for a scenario that only waits for requests (a phone answering).</param>
    /// <param name="call">The values to fill in.</param>
    public static async Task<Sipp.Result> RunAsync(string scenario, int? edgePort, Values call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var scenarioFile = Path.GetTempFileName();
        try
        {
            // Each template uses some of these; the loader insists that every placeholder it has is filled.
            var values = new[]
            {
                ("extension", call.Extension), ("password", call.Password), ("caller", call.Caller),
                ("status", call.Status.ToString(CultureInfo.InvariantCulture)), ("expires", call.Expires.ToString(CultureInfo.InvariantCulture)),
                ("contactPort", (call.ContactPort ?? call.LocalPort).ToString(CultureInfo.InvariantCulture)),
                ("byePort", call.ByePort.ToString(CultureInfo.InvariantCulture)), ("routePort", call.RoutePort.ToString(CultureInfo.InvariantCulture)), ("holdMs", call.HoldMs.ToString(CultureInfo.InvariantCulture)),
            };
            await File.WriteAllTextAsync(scenarioFile, SippScenario.Load(scenario, values));
            List<string> arguments = ["-sf", scenarioFile, "-m", "1", "-t", "u1", "-i", call.LocalIp, "-p", call.LocalPort.ToString(CultureInfo.InvariantCulture)];
            if (edgePort is { } port)
            {
                arguments.Add($"{call.EdgeHost}:{port.ToString(CultureInfo.InvariantCulture)}");
            }
            return await Sipp.RunAsync(arguments, TimeSpan.FromSeconds(20));
        }
        finally
        {
            File.Delete(scenarioFile);
        }
    }
}
