using Dialer.Edge;
using Dialer.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Hosting;

/// <summary>Runs the SIP edge inside `dialer serve`; on SIGTERM it drains before the process exits.</summary>
public sealed class EdgeHostedService(EdgeService edge, IOptions<DialerOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => edge.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) =>
        edge.StopAsync(TimeSpan.FromSeconds(options.Value.Edge.DrainSeconds));
}
