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
        // `dialer serve` made or checked the key before building the host (SecretKeys.LoadOrCreateAsync); never create one here.
        var key = SecretKeys.TryLoad(options.Secrets)
            ?? throw new InvalidOperationException($"the secrets key is missing: set Dialer:Secrets:Key or provide {options.Secrets.KeyFile}");
        services.AddSingleton(new SecretProtector(key));
        services.AddSingleton<PeerRepository>();
        services.AddSingleton(new PeerDefaults(options.Sip.Realm));
        services.AddSingleton<TrunkStatusBoard>();
        services.AddSingleton<HealthStore>();
        services.AddSingleton<HealthObservationStore>();
        services.AddSingleton<CampaignRunStore>();
        return services;
    }
}
