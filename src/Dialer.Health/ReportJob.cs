using Quartz;

namespace Dialer.Health;

/// <summary>Writes one labeled health report per trunk (Health:ReportIntervalSeconds) and prunes old ones.</summary>
[DisallowConcurrentExecution]
public sealed class ReportJob(HealthRecorder recorder) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await recorder.ReportAllAsync(cancellationToken);
}
