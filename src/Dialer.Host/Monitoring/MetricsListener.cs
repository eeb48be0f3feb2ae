using Dialer.Host.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dialer.Host.Monitoring;

/// <summary>
/// With Dialer:Metrics:Url set, /metrics is served here, on a Kestrel listener of its own, and not on the admin
/// listener: a scraper on another network reaches the figures and nothing of the admin API or the console.
/// </summary>
public sealed class MetricsListener(DialerOptions options, DialerMetrics metrics, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The addresses bound, with the real port where 0 was asked for (tests).</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.UseUrls(options.Metrics.Url);
        var app = builder.Build();
        app.UseMetricsToken(options.Metrics.Token);
        app.MapDialerMetrics(metrics);
        await app.StartAsync(cancellationToken);
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Addresses = [.. bound.Select(a => new Uri(a))];
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
