using Dialer.Peers.Snapshot;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

/// <summary>
/// Checks the repository version every poll interval and publishes a new snapshot when it moved. A database
/// outage keeps the last snapshot serving (calls and registrations go on) and is logged once per outage.
/// </summary>
public sealed partial class SnapshotRefresher(PeerSnapshotLoader loader, PeerSnapshotSource source, Peers.Storage.PeerRepository repository,
    TimeProvider time, TimeSpan poll, ILogger<SnapshotRefresher> logger)
{
    private bool _failing;

    /// <returns>True when the snapshot is current (loaded or unchanged); false when the database could not be read.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var version = await repository.VersionAsync(cancellationToken);
            if (version != source.Current.Version && source.Publish(await loader.LoadAsync(cancellationToken)))
            {
                LogPublished(logger, source.Current.Version, source.Current.Phones.Count, source.Current.Trunks.Count);
            }
            if (_failing)
            {
                _failing = false;
                LogRecovered(logger);
            }
            return true;
        }
        catch (Exception error) when (Peers.Storage.DatabaseErrors.IsFailure(error))
        {
            if (!_failing)
            {
                _failing = true;
                LogFailing(logger, source.Current.Version, error.Message);
            }
            return false;
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
                await Task.Delay(poll, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping while a load or the wait was in flight: nothing to report.
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Peer snapshot {Version} published: {Phones} phones, {Trunks} trunks")]
    private static partial void LogPublished(ILogger logger, long version, int phones, int trunks);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Peer repository unreachable; still serving snapshot {Version}: {Reason}")]
    private static partial void LogFailing(ILogger logger, long version, string reason);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Peer repository reachable again")]
    private static partial void LogRecovered(ILogger logger);
}
