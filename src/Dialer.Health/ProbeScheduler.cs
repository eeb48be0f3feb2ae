using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Dialer.Health;

/// <summary>
/// Keeps Quartz's jobs in step with the peers: one probe job per active trunk at its probe interval, rescheduled
/// when the interval changes and removed with the trunk; plus the report job. Reacts to every new snapshot. With
/// the clustered store the jobs live in MariaDB and every node reconciles the same keys, so each trunk is probed by
/// one node per interval.
/// </summary>
public sealed partial class ProbeScheduler(ISchedulerFactory schedulers, PeerSnapshotSource peers, HealthRecorder recorder,
    HealthSettings settings, ILogger<ProbeScheduler> logger) : IHostedService, IDisposable
{
    private const string Group = "dialer-health";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IScheduler? _scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _scheduler = await schedulers.GetScheduler(cancellationToken);
        recorder.Start();
        var interval = TimeSpan.FromSeconds(settings.ReportIntervalSeconds);
        await Schedule(_scheduler, JobBuilder.Create<ReportJob>().WithIdentity("report", Group).Build(), "report", interval, cancellationToken);
        peers.Published += OnPublished;
        await ReconcileAsync(peers.Current, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        peers.Published -= OnPublished;
        await recorder.DisposeAsync();
    }

    private void OnPublished(PeerSnapshot snapshot) => _ = ReconcileAsync(snapshot, CancellationToken.None);

    /// <summary>Adds, reschedules and removes probe jobs so they match the snapshot's active trunks.</summary>
    public async Task ReconcileAsync(PeerSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_scheduler is not { } scheduler)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var wanted = snapshot.ActiveTrunks.Where(t => t.Servers.Any(s => s.Active)).ToDictionary(t => JobName(t), StringComparer.OrdinalIgnoreCase);
            foreach (var (name, trunk) in wanted)
            {
                var job = JobBuilder.Create<ProbeJob>().WithIdentity(name, Group).UsingJobData(ProbeJob.TrunkData, trunk.Name).Build();
                await Schedule(scheduler, job, name, TimeSpan.FromSeconds(trunk.Probe.IntervalSeconds), cancellationToken);
            }
            // The store's jobs, not this node's memory: in a cluster another node may have scheduled them.
            foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken))
            {
                if (key.Name.StartsWith(ProbePrefix, StringComparison.Ordinal) && !wanted.ContainsKey(key.Name) && await scheduler.DeleteJob(key, cancellationToken))
                {
                    LogRemoved(logger, key.Name);
                }
            }
        }
        catch (SchedulerException error)
        {
            LogReconcileFailed(logger, error.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private const string ProbePrefix = "probe-";

    private static string JobName(Trunk trunk) => ProbePrefix + trunk.Name.ToLowerInvariant();

    /// <summary>Schedules the job every <paramref name="interval"/>, unless it already runs at that interval.</summary>
    private async Task Schedule(IScheduler scheduler, IJobDetail job, string name, TimeSpan interval, CancellationToken cancellationToken)
    {
        var key = new TriggerKey(name, Group);
        if (await scheduler.GetTrigger(key, cancellationToken) is ISimpleTrigger existing && existing.RepeatInterval == interval)
        {
            return;
        }
        var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(job).StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
        LogScheduled(logger, name, interval.TotalSeconds);
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Health job {Name} every {Seconds} s")]
    private static partial void LogScheduled(ILogger logger, string name, double seconds);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Health job {Name} removed")]
    private static partial void LogRemoved(ILogger logger, string name);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "Health jobs could not be brought in line with the peers: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, string reason);
}
