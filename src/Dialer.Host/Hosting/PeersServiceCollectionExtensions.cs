using Dialer.Host.Configuration;
using Dialer.Peers.Health;
using Dialer.Peers.Security;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;

namespace Dialer.Host.Hosting;

public static class PeersServiceCollectionExtensions
{
    /// <summary>The peer repository and what it needs: database, secrets key, validation defaults.</summary>
    public static IServiceCollection AddDialerPeers(this IServiceCollection services, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = new PeerDatabase(options.Database.ConnectionString);
        services.AddSingleton(database);
        services.AddSingleton(new SecretProtector(SecretKey.Load(options.Secrets.Key, options.Secrets.KeyFile)));
        services.AddSingleton<PeerRepository>();
        services.AddSingleton(new PeerDefaults(options.Sip.Realm));
        services.AddSingleton<TrunkStatusBoard>();
        services.AddSingleton<HealthStore>();
        services.AddSingleton<HealthObservationStore>();
        services.AddSingleton<CampaignRunStore>();
        return services;
    }
}
