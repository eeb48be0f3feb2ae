using Dialer.Health;
using Dialer.Host.Configuration;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MySqlConnector;
using Quartz;

namespace Dialer.Host.Hosting;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Trunk health: the monitor, reporter and recorder always (the API reads them); when enabled, Quartz with the
    /// probe and report jobs: the RAM store for one node, or with Health:Clustered the ADO job store on MariaDB
    /// (sql/005_health_cluster.sql, Quartz's "MySqlConnector" provider) with observations shared through the database.
    /// </summary>
    public const string SchedulerName = "dialer-health";

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
        services.AddSingleton(sp => new OptionsProber(settings.ProbeFrom, sp.GetRequiredService<TimeProvider>(),
            new Dialer.Sip.Dns.DnsResolver(settings.Dns, sp.GetRequiredService<TimeProvider>()), sp.GetService<Dialer.Sip.Hep.HepMirror>()));
        if (settings.Clustered)
        {
            services.AddSingleton<SharedObservations>();
            services.AddSingleton<IHealthObservations>(sp => sp.GetRequiredService<SharedObservations>());
        }
        else
        {
            services.AddSingleton<IHealthObservations, LocalObservations>();
        }
        if (!settings.Enabled)
        {
            return services;
        }
        if (settings.Clustered)
        {
            // Before Quartz starts: a node replays the cluster's recent observations before it probes or routes.
            services.AddHostedService(sp => sp.GetRequiredService<SharedObservations>());
        }
        services.AddQuartz(quartz =>
        {
            quartz.UseTimeProvider(TimeProvider.System);
            if (!settings.Clustered)
            {
                quartz.UseInMemoryStore();
                return;
            }
            quartz.ConfigureScheduler(scheduler =>
            {
                // One name for the whole cluster; a generated id per node.
                scheduler.InstanceName = SchedulerName;
                scheduler.GenerateInstanceId = true;
            });
            quartz.UsePersistentStore(store =>
            {
                // Quartz's "MySqlConnector" provider, handed the driver's factory: no driver types resolved by name.
                store.UseMySqlConnector(MySqlConnectorFactory.Instance, options.Database.ConnectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = TimeSpan.FromSeconds(5);
                    cluster.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                });
            });
        });
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = false);
        services.AddHostedService<ProbeScheduler>();
        return services;
    }
}
