using Dialer.Peers.Snapshot;
using Quartz;

namespace Dialer.Health;

/// <summary>
/// Probes every active server of one trunk (job data "trunk") with OPTIONS, in parallel, and feeds the outcomes to
/// the monitor. One run per trunk at a time; a trunk that is gone or inactive is left to the scheduler to remove.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ProbeJob(PeerSnapshotSource peers, OptionsProber prober, HealthMonitor monitor) : IJob
{
    public const string TrunkData = "trunk";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.MergedJobDataMap.GetString(TrunkData);
        if (name is null || !peers.Current.Trunks.TryGetValue(name, out var trunk) || !trunk.Active)
        {
            return;
        }
        await Task.WhenAll(trunk.Servers.Where(s => s.Active).Select(async server =>
            monitor.Observe(trunk, server, await prober.ProbeAsync(trunk, server, cancellationToken))));
    }
}
