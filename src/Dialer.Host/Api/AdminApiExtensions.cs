using Dialer.Host.WebConsole;

namespace Dialer.Host.Api;

/// <summary>Wiring of the admin API: JSON dialect, problem details, bearer tokens, OpenAPI, endpoints, the web console.</summary>
public static class AdminApiExtensions
{
    public static IServiceCollection AddDialerAdminApi(this IServiceCollection services, string? bootstrapToken)
    {
        services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddSingleton(new BootstrapToken(bootstrapToken));
        services.AddDialerAuth();
        services.AddOpenApi();
        services.AddDialerConsole();
        return services;
    }

    public static WebApplication UseDialerAdminApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseDialerConsoleHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapSystemApi();
        app.MapPhonesApi();
        app.MapTrunksApi();
        app.MapCampaignsApi();
        app.MapTokensApi();
        app.MapAuditApi();
        app.MapRegistrationsApi();
        app.MapCallsApi();
        app.MapChannelsApi();
        app.MapClusterApi();
        app.MapHealthApi();
        app.MapWhoAmIApi();
        app.MapDashboardApi();
        app.MapDialerConsole();
        return app;
    }
}
