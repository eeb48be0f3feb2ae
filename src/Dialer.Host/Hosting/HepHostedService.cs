using Dialer.Sip.Hep;

namespace Dialer.Host.Hosting;

/// <summary>Runs the HEP mirror's sender for the life of `dialer serve`; on stop, what is queued gets a moment to leave.</summary>
public sealed partial class HepHostedService(HepMirror mirror, ILogger<HepHostedService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        mirror.Start();
        LogStarted(logger, mirror.Collector);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await mirror.StopAsync(TimeSpan.FromSeconds(1));
        LogStopped(logger, mirror.Sent, mirror.Dropped);
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Mirroring SIP over HEPv3 to {Collector}")]
    private static partial void LogStarted(ILogger logger, HepCollector collector);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "HEP mirror stopped: {Sent} packets sent, {Dropped} copies dropped")]
    private static partial void LogStopped(ILogger logger, long sent, long dropped);

    /// <summary>The mirror's problems (collector unresolved or unreachable, and recovery), once per change.</summary>
    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "{Problem}")]
    internal static partial void LogProblem(ILogger logger, string problem);
}
