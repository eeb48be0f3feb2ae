using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialer.Host.Api;

/// <summary>Authorization policies of the admin API: viewers read, admins read and write.</summary>
public static class Policies
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Scheme = "Bearer";

    public static IServiceCollection AddDialerAuth(this IServiceCollection services)
    {
        // AddAuthenticationCore rather than AddAuthentication: bearer tokens need no cookies, so no
        // DataProtection key ring written under the user's home at every start.
        services.AddAuthenticationCore(options => options.DefaultScheme = Scheme);
        services.AddWebEncoders();
        services.TryAddSingleton(TimeProvider.System);
        new Microsoft.AspNetCore.Authentication.AuthenticationBuilder(services)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenHandler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, policy => policy.RequireRole("admin", "viewer"))
            .AddPolicy(Write, policy => policy.RequireRole("admin"));
        return services;
    }
}
