using System.Diagnostics.Metrics;
using Dialer.Host.Configuration;
using Dialer.Sip.Hep;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialer.Host.Hosting;

public static class HepServiceCollectionExtensions
{
    /// <summary>With Dialer:Sip:Hep:Address set: the HEP mirror the edge's transports tap, and the service that runs its sender.</summary>
    public static IServiceCollection AddDialerHep(this IServiceCollection services, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (HepSettingsFactory.From(options.Sip.Hep, []) is null)
        {
            return services; // off: the transports get no tap and pay nothing
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<HepMirror>();
            var settings = HepSettingsFactory.From(options.Sip.Hep, [], sp.GetRequiredService<TimeProvider>(), problem => HepHostedService.LogProblem(logger, problem))!;
            return new HepMirror(settings, sp.GetRequiredService<IMeterFactory>());
        });
        services.AddHostedService<HepHostedService>();
        return services;
    }
}
