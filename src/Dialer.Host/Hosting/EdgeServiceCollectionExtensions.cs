using System.Diagnostics.Metrics;
using Dialer.Edge;
using Dialer.Host.Configuration;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Dialer.Sip.Hep;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialer.Host.Hosting;

public static class EdgeServiceCollectionExtensions
{
    /// <summary>The SIP edge, its peer snapshot and, when enabled, the hosted service that runs it.</summary>
    public static IServiceCollection AddDialerEdge(this IServiceCollection services, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = EdgeSettingsFactory.From(options, []);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<PeerSnapshotSource>();
        services.AddSingleton(sp => new EdgeService(settings, sp.GetRequiredService<PeerRepository>(), sp.GetRequiredService<PeerDatabase>(),
            sp.GetRequiredService<PeerSnapshotSource>(), sp.GetRequiredService<TrunkStatusBoard>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>(), sp.GetService<HepMirror>()));
        if (options.Edge.Enabled)
        {
            services.AddHostedService<EdgeHostedService>();
        }
        return services;
    }
}
