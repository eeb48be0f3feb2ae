using Dialer.Peers.Snapshot;
using Quartz;

namespace Dialer.Health;

/// <summary>
/// Probes every active server of one trunk (job data "trunk") with OPTIONS, in parallel, and passes the outcomes on
/// to the observations (this node's monitor, or the cluster's). One run per trunk at a time, cluster-wide; a trunk
/// that is gone or inactive is left to the scheduler to remove.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ProbeJob(PeerSnapshotSource peers, OptionsProber prober, IHealthObservations observations, HealthMetrics metrics) : IJob
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
        {
            var outcome = await prober.ProbeAsync(trunk, server, cancellationToken);
            metrics.Probed(trunk.Name, outcome);
            await observations.ObserveAsync(trunk, server, outcome, cancellationToken);
        }));
    }
}
