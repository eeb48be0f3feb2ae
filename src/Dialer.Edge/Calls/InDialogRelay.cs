using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Calls;

/// <summary>
/// In-dialog requests (BYE, re-INVITE, UPDATE, INFO, NOTIFY, ACK ...) that the <see cref="DialogGuard"/> let through:
/// relayed to the other side's target as the dialog recorded it — never to an address the request itself names. A BYE
/// ends its leg when it is answered (or never will be), and the dialog, with its channel, when no leg is left.
/// </summary>
public sealed class InDialogRelay(ClientTransactions transactions, Forwarder forwarder, DialogTable dialogs, ISipSender sender)
{
    /// <param name="transaction">The request's server transaction.</param>
    /// <param name="request">The in-dialog request.</param>
    /// <param name="source">Where it came from.</param>
    /// <param name="route">Its dialog, side and leg, as the guard found them.</param>
    /// <param name="legEnded">What a BYE's answer does to the leg; null ends it in this node's table (a dialog of another node is ended for that node).</param>
    public async Task RelayAsync(ServerTransaction transaction, SipMessage request, SipEndpoint source, DialogRoute route,
        Action<DialogRoute>? legEnded = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var ended = legEnded ?? EndLeg;
        ArgumentNullException.ThrowIfNull(request);
        var destination = route.Destination;
        if (request.TryGetCSeq(out var cseq))
        {
            route.Dialog.Saw(route.From, route.Leg, cseq.Number);
        }
        var bytes = forwarder.Request(request, source, destination, ForwardChanges.None);
        // A BYE's channel returns only when the other side has answered it (or never will: timeout, transport error).
        // Releasing once the BYE is merely sent would let a new INVITE overtake a BYE lost on UDP and retransmitted,
        // and the carrier would count cap + 1.
        var isBye = request.Method == SipMethod.Bye;
        await transactions.SendRequestAsync(bytes, destination,
            (client, response) =>
            {
                if (response.StatusCode == 100)
                {
                    return;
                }
                // The channel is free before the answer leaves, so a dialer that starts its next call on it is admitted.
                if (isBye && response.StatusCode >= 200)
                {
                    ended(route);
                }
                _ = transaction.RespondAsync(Forwarder.Response(response, request, source), response.StatusCode);
            },
            (client, error) =>
            {
                if (isBye)
                {
                    ended(route);
                }
                _ = Responder.RespondAsync(transaction, error == TransactionError.Timeout ? 408 : 503,
                    error == TransactionError.Timeout ? "Request Timeout" : "Service Unavailable");
            });
    }

    /// <summary>The ACK for a 2xx belongs to the dialog: forwarded statelessly (RFC 3261 §16.11) to the callee's target.</summary>
    public void Ack(SipMessage ack, SipEndpoint source, DialogRoute route)
    {
        var destination = route.Destination;
        _ = sender.SendAsync(destination, forwarder.Request(ack, source, destination, ForwardChanges.None)).AsTask();
    }

    private void EndLeg(DialogRoute route)
    {
        if (route.Dialog.EndLeg(route.Leg))
        {
            dialogs.End(route.Dialog, route.From == DialogSide.Caller ? DialogEnd.CallerBye : DialogEnd.CalleeBye);
        }
    }
}
