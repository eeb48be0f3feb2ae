using Dialer.Health;
using Dialer.Host.Configuration;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Dialer.Host.Hosting;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Trunk health: the monitor, reporter and recorder always (the API reads them); when enabled, Quartz (RAM store,
    /// one node) with the probe and report jobs.
    /// </summary>
    public static IServiceCollection AddDialerHealth(this IServiceCollection services, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = HealthSettingsFactory.From(options, []);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<ITrunkChannelFigures, EdgeChannelFigures>();
        services.AddSingleton(sp => new HealthMonitor(sp.GetRequiredService<TrunkStatusBoard>(), sp.GetRequiredService<PeerSnapshotSource>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<HealthMonitor>>()));
        services.AddSingleton(sp => new HealthReporter(sp.GetRequiredService<HealthMonitor>(), sp.GetRequiredService<ITrunkChannelFigures>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<HealthRecorder>();
        services.AddSingleton(sp => new OptionsProber(settings.ProbeFrom, sp.GetRequiredService<TimeProvider>()));
        if (!settings.Enabled)
        {
            return services;
        }
        services.AddQuartz(quartz =>
        {
            quartz.UseTimeProvider(TimeProvider.System);
            quartz.UseInMemoryStore();
        });
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = false);
        services.AddHostedService<ProbeScheduler>();
        return services;
    }
}
