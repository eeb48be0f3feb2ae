using Dialer.Edge.Core;
using Dialer.Edge.Trunks;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Dialogs;

/// <summary>A dialog another node holds, read back from its row: the guest dialog to relay with, and the row to end it by.</summary>
public sealed record ForeignDialog(Dialog Dialog, DialogRow Row);

/// <summary>
/// Shared dialogs for a cluster of edges (docs/operations.md "Clustering"). A dialog stays with the node that admitted
/// it: that node holds its channel and its timer. Any node may get its in-dialog requests (a load balancer or DNS moved
/// the phone or carrier, or the holder died); the token in the Route verifies on every node holding the key, the dialog
/// is read from its stored row, and the request is relayed from here. A BYE relayed here ends the dialog for its
/// holder: its row is deleted (once, across the cluster) and an end is left that the holder picks up within
/// <see cref="ClusterSettings.LocationPoll"/>, freeing the channel there; a dead holder's grant loses that channel at once.
/// The same loop writes this node's listen addresses and learns the other nodes', so Routes naming them are recognised.
/// </summary>
public sealed partial class ClusterDialogs(DialogStore store, DialogTable dialogs, ClusterRoutes routes, PeerSnapshotSource peers,
    ClusterSettings settings, TimeProvider time, ILogger<ClusterDialogs> logger)
{
    private string _addresses = "";
    private bool _failing;

    /// <summary>This node's listen addresses, once bound.</summary>
    public void Listening(IEnumerable<Dialer.Sip.Transport.SipListenAddress> bound) => _addresses = ClusterRoutes.Text(bound);

    /// <summary>The dialog with this id held by another node, or null when no node holds it (481).</summary>
    public async Task<ForeignDialog?> FindAsync(string id)
    {
        if (await store.FindElsewhereAsync(id) is not { } row || DialogRecords.Guest(row, dialogs, peers.Current) is not { } dialog)
        {
            return null;
        }
        return new ForeignDialog(dialog, row);
    }

    /// <summary>A BYE relayed here was answered: the dialog ends for its holder (in the background; the answer does not wait).</summary>
    public void Ended(ForeignDialog foreign, bool byCaller)
    {
        ArgumentNullException.ThrowIfNull(foreign);
        _ = Task.Run(async () =>
        {
            try
            {
                if (await store.EndElsewhereAsync(foreign.Row, byCaller, settings.DeadAfter))
                {
                    LogEndedElsewhere(logger, foreign.Row.Id, foreign.Row.Node, byCaller ? "caller" : "callee");
                }
            }
            catch (Exception error) when (DatabaseErrors.IsFailure(error))
            {
                LogEndFailed(logger, foreign.Row.Id, foreign.Row.Node, error.Message);
            }
        });
    }

    /// <summary>One look: addresses exchanged, and this node's dialogs that other nodes ended, ended here.</summary>
    public async Task PollAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            routes.Replace(await store.ExchangeAddressesAsync(_addresses, settings.DeadAfter, cancellationToken));
            foreach (var end in await store.TakeEndsAsync(cancellationToken))
            {
                if (dialogs.Find(end.Id) is { } dialog)
                {
                    dialogs.End(dialog, end.ByCaller ? DialogEnd.CallerBye : DialogEnd.CalleeBye);
                }
            }
            _failing = false;
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            if (!_failing)
            {
                _failing = true;
                LogPollFailing(logger, error.Message);
            }
        }
    }

    public Task RunAsync(CancellationToken stoppingToken) => Dialer.Sip.Timing.Periodic.RunAsync(settings.LocationPoll, time, PollAsync, stoppingToken);

    [LoggerMessage(EventId = 2804, Level = LogLevel.Information, Message = "Dialog {Dialog} of node {Node} ended through this node ({Side} BYE)")]
    private static partial void LogEndedElsewhere(ILogger logger, string dialog, string node, string side);

    [LoggerMessage(EventId = 2805, Level = LogLevel.Warning, Message = "Dialog {Dialog} of node {Node} ended here but could not be ended for it ({Reason}): its channel returns at its dialog timeout")]
    private static partial void LogEndFailed(ILogger logger, string dialog, string node, string reason);

    [LoggerMessage(EventId = 2806, Level = LogLevel.Warning, Message = "Dialogs ended on other nodes cannot be read ({Reason}): their channels stay charged here until the database answers")]
    private static partial void LogPollFailing(ILogger logger, string reason);
}
