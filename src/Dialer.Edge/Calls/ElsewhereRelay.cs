using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Peers.Storage;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Calls;

/// <summary>
/// In-dialog requests of a dialog another node of the cluster holds (<see cref="RouteVerdict.Elsewhere"/>): its row is
/// read, the same checks as for our own dialogs are made on it (tags, and the source of the side that sent it), and the
/// request is relayed by <see cref="InDialogRelay"/> as the row recorded the dialog. A BYE's answer ends it for its holder.
/// </summary>
public sealed class ElsewhereRelay(ClusterDialogs cluster, InDialogRelay relay)
{
    public async Task RelayAsync(ServerTransaction transaction, SipMessage request, SipEndpoint source, string dialogId)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(request);
        ForeignDialog? foreign;
        try
        {
            foreign = await cluster.FindAsync(dialogId);
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            await Responder.RespondAsync(transaction, 503, "Service Unavailable", "Retry-After: 5");
            return;
        }
        var route = default(DialogRoute);
        var verdict = foreign is null ? RouteVerdict.UnknownDialog : DialogGuard.CheckParties(request, source, foreign.Dialog, out route);
        if (verdict == RouteVerdict.Relay)
        {
            await relay.RelayAsync(transaction, request, source, route, ended =>
            {
                if (ended.Dialog.EndLeg(ended.Leg))
                {
                    cluster.Ended(foreign!, ended.From == DialogSide.Caller);
                }
            });
            return;
        }
        await Responder.RespondAsync(transaction, verdict == RouteVerdict.Forbidden ? 403 : 481,
            verdict == RouteVerdict.Forbidden ? "Forbidden" : "Call/Transaction Does Not Exist");
    }

    /// <summary>The ACK for a 2xx in another node's dialog, forwarded statelessly like our own.</summary>
    public async Task AckAsync(SipMessage ack, SipEndpoint source, string dialogId)
    {
        ArgumentNullException.ThrowIfNull(ack);
        try
        {
            if (await cluster.FindAsync(dialogId) is { } foreign && DialogGuard.CheckParties(ack, source, foreign.Dialog, out var route) == RouteVerdict.Relay)
            {
                relay.Ack(ack, source, route);
            }
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            // An ACK has no answer: lost like a datagram, the callee retransmits its 2xx and the next ACK may pass.
        }
    }
}
