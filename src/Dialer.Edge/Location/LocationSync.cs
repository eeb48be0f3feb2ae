using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Location;

/// <summary>
/// Shared location for a cluster of edges: every <see cref="Dialer.Edge.Trunks.ClusterSettings.LocationPoll"/> this node reads the bindings
/// changed in MariaDB since its last look (by the database's clock, looking a second further back to catch rows
/// committed late) and merges them into its <see cref="LocationService"/>, so a phone registered through one node is
/// reachable through every node within about a second, and a refresh or an unregister through any node wins on all.
/// </summary>
public sealed partial class LocationSync(BindingStore store, LocationService location, TimeSpan interval, TimeProvider time, ILogger<LocationSync> logger)
{
    /// <summary>How long a removed binding stays as an expired row, for the other nodes to see it go.</summary>
    public static readonly TimeSpan TombstoneLife = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(1);
    private DateTime? _since;
    private bool _failing;

    /// <summary>One look at the changed rows.</summary>
    public async Task PullAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var (changed, now) = await store.ChangedSinceAsync(_since ?? DateTime.MinValue, cancellationToken);
            location.Merge(changed);
            _since = now - Overlap;
            _failing = false;
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            if (!_failing)
            {
                _failing = true;
                LogFailing(logger, error.Message);
            }
        }
    }

    public Task RunAsync(CancellationToken stoppingToken) => Dialer.Sip.Timing.Periodic.RunAsync(interval, time, PullAsync, stoppingToken);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Bindings of the other nodes cannot be read ({Reason}): phones registered elsewhere may be unreachable here until the database answers")]
    private static partial void LogFailing(ILogger logger, string reason);
}
