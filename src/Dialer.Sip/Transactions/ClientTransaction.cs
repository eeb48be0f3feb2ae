using Dialer.Sip.Message;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Sip.Transactions;

/// <summary>
/// A client transaction (RFC 3261 §17.1): retransmits the request over UDP (timers A, E), gives up after 64*T1
/// (B, F), ACKs a non-2xx final INVITE response itself and absorbs its retransmissions (D), keeps a final
/// non-INVITE response's retransmissions away from the TU (K). Responses reach the TU in order; a
/// provisional response after the final one is never passed on. INVITE 2xx handling follows RFC 6026.
/// </summary>
public sealed class ClientTransaction : SipTransaction
{
    private static readonly Action<ClientTransaction, SipMessage> NoResponse = static (_, _) => { };
    private static readonly Action<ClientTransaction, TransactionError> NoError = static (_, _) => { };
    private ReadOnlyMemory<byte> _request;
    private SipMessage? _message;
    private Action<ClientTransaction, SipMessage> _onResponse;
    private Action<ClientTransaction, TransactionError> _onError;
    private byte[]? _ack;

    internal ClientTransaction(TransactionKey key, SipEndpoint peer, SipMessage request, TransactionContext context,
        Action<ClientTransaction, SipMessage> onResponse, Action<ClientTransaction, TransactionError> onError)
        : base(key, peer, context)
    {
        _message = request;
        _request = request.Data;
        IsInvite = request.Method == SipMethod.Invite;
        _onResponse = onResponse;
        _onError = onError;
        Start(IsInvite ? TransactionState.Calling : TransactionState.Trying);
    }

    /// <summary>
    /// The request. Once its final response has reached the TU (a non-2xx, or a 2xx and then <see cref="Abandon"/>) the
    /// transaction only absorbs retransmissions until its timer ends, and lets go of it; reading it after that is a bug.
    /// </summary>
    public SipMessage Request => _message ?? throw new InvalidOperationException("The request of a finished client transaction is released.");
    public bool IsInvite { get; }
    /// <summary>The highest status passed to the TU so far (0 before any).</summary>
    public int LastStatus { get; private set; }

    internal async Task StartAsync()
    {
        lock (Gate)
        {
            if (!Peer.IsReliable)
            {
                Retransmit(Timers.T1, () => State is TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding
                    && !(IsInvite && State == TransactionState.Proceeding), () => Send(_request), capped: !IsInvite); // timer A / E
            }
            Schedule(Timers.TransactionTimeout, OnTimerB); // timer B / F
        }
        if (!await SendAsync(_request))
        {
            lock (Gate)
            {
                if (State != TransactionState.Terminated)
                {
                    Fail(TransactionError.TransportError);
                }
            }
            RunDeferred();
        }
    }

    internal void OnResponse(SipMessage response)
    {
        Action<ClientTransaction, SipMessage>? deliver = null;
        var finished = false;
        lock (Gate)
        {
            var status = response.StatusCode;
            switch (State)
            {
                case TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding:
                    deliver = _onResponse;
                    if (status < 200)
                    {
                        MoveTo(TransactionState.Proceeding);
                    }
                    else if (IsInvite && status < 300)
                    {
                        // RFC 6026 §7.2: Accepted, so that 2xx retransmissions (or forks) still reach the TU (timer M).
                        MoveTo(TransactionState.Accepted);
                        WaitOut(Timers.TransactionTimeout); // timer M
                    }
                    else
                    {
                        Complete(response);
                        finished = true;
                    }
                    LastStatus = Math.Max(LastStatus, status);
                    break;
                case TransactionState.Accepted when status is >= 200 and < 300:
                    deliver = _onResponse;
                    break;
                case TransactionState.Completed when _ack is not null && status >= 300:
                    Send(_ack); // a retransmitted final response: ACK again (RFC 3261 §17.1.1.2)
                    break;
            }
        }
        deliver?.Invoke(this, response);
        if (finished)
        {
            // Completed: the TU has its final answer and hears nothing more (timer D/K only absorbs retransmissions).
            Abandon();
        }
    }

    /// <summary>
    /// The CANCEL for this INVITE (RFC 3261 §9.1), built under the lock while it still waits for its final response;
    /// null once a final response came (nothing is left to cancel, and the request may be released).
    /// </summary>
    public byte[]? CancelRequest(ReadOnlySpan<byte> reason = default)
    {
        lock (Gate)
        {
            if (!IsInvite || _message is null || State is not (TransactionState.Calling or TransactionState.Proceeding))
            {
                return null;
            }
            using var buffer = new PooledBuffer(512);
            RequestBuilder.Cancel(_message, buffer, reason);
            return buffer.WrittenSpan.ToArray();
        }
    }

    /// <summary>
    /// The TU is done with this transaction (its final response was delivered, or its dialog ended after a 2xx): for the
    /// rest of its wait (timer D, K or M) the transaction keeps only its key, its ACK and one timer — no request and
    /// nothing of the TU — and passes nothing on. Before a final response it changes nothing: the final response (a 487
    /// after a CANCEL, say) must still reach the TU, which abandons the transaction then.
    /// </summary>
    public void Abandon()
    {
        lock (Gate)
        {
            if (State is TransactionState.Completed or TransactionState.Accepted or TransactionState.Terminated)
            {
                _onResponse = NoResponse;
                _onError = NoError;
                _message = null;
                _request = default;
            }
        }
    }

    private void Complete(SipMessage response)
    {
        MoveTo(TransactionState.Completed);
        StopTimers();
        if (IsInvite)
        {
            using var buffer = new PooledBuffer(512);
            RequestBuilder.AckForFailure(Request, response, buffer);
            _ack = buffer.WrittenSpan.ToArray();
            Send(_ack);
            WaitOut(Peer.IsReliable ? TimeSpan.Zero : Timers.TimerD); // timer D
        }
        else
        {
            WaitOut(Peer.IsReliable ? TimeSpan.Zero : Timers.T4); // timer K
        }
    }

    /// <summary>
    /// Timer B/F. RFC 3261 §17.1.1.2 (Figure 5): timer B ends an INVITE only in Calling; once a provisional response
    /// has come (Proceeding) the final answer may take as long as the callee rings, bounded instead by a proxy's
    /// timer C (§16.6 step 11: more than 3 minutes), counted from the start of the transaction.
    /// </summary>
    private void OnTimerB()
    {
        if (IsInvite && State == TransactionState.Proceeding)
        {
            Schedule(Timers.TimerC - Timers.TransactionTimeout, () => Fail(TransactionError.Timeout)); // timer C
            return;
        }
        Fail(TransactionError.Timeout);
    }

    private void Fail(TransactionError error)
    {
        if (State is TransactionState.Completed or TransactionState.Accepted or TransactionState.Terminated)
        {
            return;
        }
        MoveTo(TransactionState.Terminated);
        var onError = _onError;
        Defer(() => onError(this, error));
    }
}
