using System.Collections.Concurrent;
using Dialer.Edge.Core;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Calls;

/// <summary>
/// Clustered: a call to an extension whose bindings another node holds (their REGISTERs came through it, so only its
/// sockets reach the phone: its TCP/TLS connection, or the NAT mapping made towards its address) is handed to that
/// node, as Kamailio does along a Path (RFC 3327). This node forwards the INVITE there without Record-Route, relays the
/// responses back and a CANCEL on, and keeps nothing else; the other node makes the dialog, rings its bindings and
/// stays in the call. The other node takes such INVITEs only from a node's listen address, and only to its own bindings.
/// </summary>
public sealed class FlowHandoff(ClientTransactions transactions, Forwarder forwarder, ClusterRoutes routes)
{
    // The INVITEs handed off and not yet answered finally, by their server transaction, for CANCEL.
    private readonly ConcurrentDictionary<TransactionKey, (ClientTransaction Client, SipEndpoint Node, SipEndpoint Caller)> _ringing = new();

    /// <summary>Where to hand a call for <paramref name="node"/>'s bindings, or null when its address is not known.</summary>
    public SipEndpoint? NodeAddress(string node, System.Net.Sockets.AddressFamily family) =>
        routes.Udp(node, family) is { } address ? new SipEndpoint(SipProtocol.Udp, address) : null;

    public async Task HandOffAsync(ServerTransaction transaction, SipMessage invite, SipEndpoint source, SipEndpoint node)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(invite);
        var key = transaction.Key;
        var bytes = forwarder.Request(invite, source, node, ForwardChanges.None);
        var client = await transactions.SendRequestAsync(bytes, node,
            (client, response) =>
            {
                if (response.StatusCode == 100)
                {
                    return;
                }
                if (response.StatusCode >= 200)
                {
                    _ringing.TryRemove(key, out _);
                }
                _ = transaction.RespondAsync(Forwarder.Response(response, invite, source), response.StatusCode);
            },
            (client, error) =>
            {
                _ringing.TryRemove(key, out _);
                _ = Responder.RespondAsync(transaction, error == TransactionError.Timeout ? 408 : 503,
                    error == TransactionError.Timeout ? "Request Timeout" : "Service Unavailable");
            });
        _ringing[key] = (client, node, source);
        // A final answer (or a timeout) that came before the line above found nothing to remove: remove it now.
        if (client.State is not (TransactionState.Calling or TransactionState.Proceeding))
        {
            _ringing.TryRemove(key, out _);
        }
    }

    /// <summary>A CANCEL for a handed-off INVITE from its caller: passed on to the node ringing the phone.</summary>
    /// <returns>False when no such INVITE is ringing (481).</returns>
    public bool Cancel(TransactionKey inviteKey, SipEndpoint source)
    {
        if (!_ringing.TryGetValue(inviteKey, out var ringing) || !new Dialogs.DialogParty(ringing.Caller, ringing.Caller).Sends(source)
            || !_ringing.TryRemove(inviteKey, out _) || ringing.Client.CancelRequest() is not { } cancel)
        {
            return false;
        }
        _ = transactions.SendRequestAsync(cancel, ringing.Node, (_, _) => { }, (_, _) => { });
        return true;
    }
}
