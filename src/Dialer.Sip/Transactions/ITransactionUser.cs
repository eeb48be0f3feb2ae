using Dialer.Sip.Message;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Transactions;

/// <summary>The layer above transactions (RFC 3261 §17 "TU"): a UAS, UAC core, registrar or proxy core.</summary>
public interface ITransactionUser
{
    /// <summary>
    /// A new request, before any transaction state exists for it: false when the TU answered it statelessly (or dropped
    /// it) and no transaction is to be kept, as for strangers and requests naming no dialog of ours. What the TU learnt
    /// while screening (who sent it, which dialog it belongs to) comes back as <see cref="ServerTransaction.Screening"/>,
    /// so it is worked out once per request.
    /// </summary>
    bool Screen(SipMessage request, SipEndpoint source, out object? screening)
    {
        screening = null;
        return true;
    }

    /// <summary>A new request while the transaction table is full: answer it statelessly (503) or drop it; no state is kept.</summary>
    void OnOverloaded(SipMessage request, SipEndpoint source)
    {
    }

    /// <summary>A new request. <paramref name="transaction"/> is null for an RFC 2543 request without a magic-cookie branch.</summary>
    void OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source);

    /// <summary>An ACK that no transaction absorbed: the ACK for a 2xx, which belongs to the dialog (RFC 3261 §13.2.2.4).</summary>
    void OnAck(SipMessage ack, SipEndpoint source);

    /// <summary>A response matching no client transaction (RFC 3261 §16.7 step 3 lets a proxy forward it statelessly).</summary>
    void OnStrayResponse(SipMessage response, SipEndpoint source);
}
