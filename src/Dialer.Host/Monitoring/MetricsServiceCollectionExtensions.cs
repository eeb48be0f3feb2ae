using System.Diagnostics.Metrics;
using Dialer.Edge;
using Dialer.Health;
using Dialer.Host.Configuration;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;

namespace Dialer.Host.Monitoring;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The metrics registry and, with Dialer:Metrics:Url set, the listener of its own that serves it.</summary>
    public static IServiceCollection AddDialerMetrics(this IServiceCollection services, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddMetrics();
        services.AddSingleton(sp => new DialerMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<EdgeService>(),
            sp.GetRequiredService<PeerSnapshotSource>(), sp.GetRequiredService<TrunkStatusBoard>(), sp.GetRequiredService<HealthRecorder>()));
        services.AddSingleton(sp => new HealthMetrics(sp.GetRequiredService<IMeterFactory>()));
        if (options.Metrics.Url.Length > 0)
        {
            services.AddSingleton(sp => new MetricsListener(options, sp.GetRequiredService<DialerMetrics>(), sp.GetRequiredService<ILoggerFactory>()));
            services.AddHostedService(sp => sp.GetRequiredService<MetricsListener>());
        }
        return services;
    }

    /// <summary>/metrics on the admin listener, unless Dialer:Metrics:Url gives it one of its own.</summary>
    public static WebApplication UseDialerMetrics(this WebApplication app, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var metrics = app.Services.GetRequiredService<DialerMetrics>();
        if (options.Metrics.Url.Length == 0)
        {
            app.UseMetricsToken(options.Metrics.Token);
            app.MapDialerMetrics(metrics);
        }
        return app;
    }
}
