using Dialer.Health;
using Dialer.Host.Api;
using Dialer.Host.Configuration;
using Dialer.Host.Monitoring;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Hosting;

/// <summary>Builds the `dialer serve` process: admin API now; the SIP edge and jobs join here.</summary>
public static class DialerApp
{
    /// <param name="configuration">The loaded configuration (file + environment).</param>
    /// <param name="bootstrapToken">The DIALER_ADMIN_TOKEN value; null or empty for none.</param>
    public static WebApplication Build(IConfiguration configuration, string? bootstrapToken)
    {
        var options = DialerConfiguration.Options(configuration);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(options.Admin.Url);
        // Under systemd (Type=notify): READY=1 once the host has started, STOPPING=1 on SIGTERM, journal log format.
        // Elsewhere it does nothing.
        builder.Services.AddSystemd();
        // AddSystemd names the systemd console formatter after the configuration was bound, so it would hide
        // Logging:Console:FormatterName (json for a log shipper) under the unit: a formatter named there wins again.
        if (configuration["Logging:Console:FormatterName"] is { Length: > 0 } formatter)
        {
            builder.Services.PostConfigure<ConsoleLoggerOptions>(console => console.FormatterName = formatter);
        }
        // Admin bodies are small JSON documents; refuse anything larger early.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Services.AddSingleton<IValidateOptions<DialerOptions>, DialerOptionsValidator>();
        builder.Services.AddOptions<DialerOptions>().Bind(configuration.GetSection(DialerOptions.Section)).ValidateOnStart();
        builder.Services.AddDialerPeers(options);
        // Before the edge: the mirror starts first and stops last, so nothing the edge sends is missed.
        builder.Services.AddDialerHep(options);
        builder.Services.AddDialerEdge(options);
        builder.Services.AddDialerHealth(options);
        builder.Services.AddDialerAdminApi(bootstrapToken);
        builder.Services.AddDialerMetrics(options);
        var app = builder.Build();
        // Passive health signals (the edge's call failures) flow from the first call on, whether or not probes run.
        app.Services.GetRequiredService<IHealthObservations>();
        app.UseDialerAdminApi();
        app.UseDialerMetrics(options);
        return app;
    }
}
