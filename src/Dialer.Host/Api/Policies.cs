namespace Dialer.Host.Api;

/// <summary>Authorization policies of the admin API: viewers read, admins read and write.</summary>
public static class Policies
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Scheme = "Bearer";

    public static IServiceCollection AddDialerAuth(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenHandler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, policy => policy.RequireRole("admin", "viewer"))
            .AddPolicy(Write, policy => policy.RequireRole("admin"));
        return services;
    }
}
