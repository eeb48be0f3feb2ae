using Dialer.Sip.Message;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Transactions;

/// <summary>
/// A server transaction (RFC 3261 §17.2): absorbs request retransmissions by resending the last response,
/// retransmits a final non-2xx INVITE response until ACK (timer G, H, I), and holds a final non-INVITE
/// response for retransmissions (timer J).
/// </summary>
public sealed class ServerTransaction : SipTransaction
{
    private byte[]? _lastResponse;
    private SipMessage? _request;

    internal ServerTransaction(TransactionKey key, SipEndpoint peer, SipMessage request, TransactionContext context, object? screening = null)
        : base(key, peer, context)
    {
        _request = request;
        Screening = screening;
        IsInvite = request.Method == SipMethod.Invite;
        Start(IsInvite ? TransactionState.Proceeding : TransactionState.Trying);
    }

    /// <summary>
    /// The request. A non-INVITE transaction lets go of it at its final response: for the 32 s it then waits (timer J)
    /// it only resends that response, so what it keeps is the key, the response bytes and one timer. An answered INVITE
    /// lets go of it when its TU abandons it (<see cref="Abandon"/>). Reading it after that is a bug (nothing may be
    /// answered twice).
    /// </summary>
    public SipMessage Request => _request ?? throw new InvalidOperationException("The request of a finished server transaction is released.");
    /// <summary>Where the request came from (its top Via gets received/rport in our responses).</summary>
    public SipEndpoint Source { get; init; }

    /// <summary>
    /// What the transaction user learnt about the request in <see cref="ITransactionUser.Screen"/>, if anything; let go
    /// of at the final response (it may hold the whole call, and the transaction waits 32 s after it).
    /// </summary>
    public object? Screening { get; private set; }
    /// <summary>Whether our responses fill rport= even when the request did not ask (RFC 3581 forced).</summary>
    public bool ForceRport => Context.ForceRport;
    public bool IsInvite { get; }
    public int LastStatus { get; private set; }

    /// <summary>
    /// Whether a response with this status would be sent now: anything before the final response; after it only a 2xx
    /// of an INVITE again (RFC 6026 §8.7, the Accepted state). The transaction user asks before building one.
    /// </summary>
    public bool Accepts(int status) => State switch
    {
        TransactionState.Accepted => status is >= 200 and < 300,
        TransactionState.Completed or TransactionState.Confirmed or TransactionState.Terminated => false,
        _ => true,
    };

    /// <summary>Raised when timer H fires: a final response was never acknowledged.</summary>
    public event Action<ServerTransaction>? AckTimedOut;

    /// <summary>Sends a response; after a final one, later responses are refused (returns false).</summary>
    public Task<bool> RespondAsync(ReadOnlyMemory<byte> response, int status)
    {
        // The send starts under the lock, so responses leave in the order the transaction took them: a 180 that took
        // the lock before the 200 can never reach the wire after it (two receive loops relay them concurrently).
        lock (Gate)
        {
            if (!Accepts(status))
            {
                return Task.FromResult(false);
            }
            if (State == TransactionState.Accepted)
            {
                // RFC 6026 §8.7: retransmissions of the 2xx pass through the Accepted state.
                return SendAsync(response.ToArray());
            }
            LastStatus = status;
            if (status >= 200)
            {
                Screening = null;
            }
            if (IsInvite && status is >= 200 and < 300)
            {
                // RFC 6026 §8.5: after a 2xx the transaction waits in Accepted (timer L) absorbing INVITE retransmissions,
                // without resending anything itself: the 2xx is not kept for the 32 s it waits.
                _lastResponse = null;
                MoveTo(TransactionState.Accepted);
                WaitOut(Timers.TransactionTimeout); // timer L
                return SendAsync(response.ToArray());
            }
            _lastResponse = response.ToArray();
            if (status < 200)
            {
                if (State == TransactionState.Trying)
                {
                    MoveTo(TransactionState.Proceeding);
                }
            }
            else
            {
                Complete();
            }
            return SendAsync(_lastResponse);
        }
    }

    /// <summary>
    /// The TU is done with this INVITE (its dialog ended): once answered, the transaction keeps for the rest of its wait
    /// (timer L, H or I) only its key, its last response and one timer, not the request. Before a final response it
    /// keeps everything.
    /// </summary>
    public void Abandon()
    {
        lock (Gate)
        {
            if (State is TransactionState.Accepted or TransactionState.Completed or TransactionState.Confirmed or TransactionState.Terminated)
            {
                _request = null;
            }
        }
    }

    private void Complete()
    {
        MoveTo(TransactionState.Completed);
        if (IsInvite)
        {
            if (!Peer.IsReliable)
            {
                Retransmit(Timers.T1, () => State == TransactionState.Completed, () => Send(_lastResponse!)); // timer G
            }
            Schedule(Timers.TransactionTimeout, () =>                                                          // timer H
            {
                MoveTo(TransactionState.Terminated);
                AckTimedOut?.Invoke(this);
            });
        }
        else
        {
            _request = null;
            WaitOut(Peer.IsReliable ? TimeSpan.Zero : Timers.TransactionTimeout); // timer J
        }
    }

    /// <summary>The same request again: resend the last response (RFC 3261 §17.2.1, §17.2.2).</summary>
    internal void OnRetransmission()
    {
        Context.Metrics?.RetransmissionReceived();
        lock (Gate)
        {
            if (_lastResponse is not null && State is TransactionState.Proceeding or TransactionState.Completed)
            {
                Context.Metrics?.RetransmissionSent();
                Send(_lastResponse);
            }
        }
    }

    /// <returns>True when the ACK belonged to this transaction's non-2xx final response (an ACK for a 2xx goes to the TU).</returns>
    internal bool OnAck()
    {
        lock (Gate)
        {
            if (State == TransactionState.Completed && IsInvite)
            {
                MoveTo(TransactionState.Confirmed);
                // Confirmed only absorbs ACKs: the response is never sent again.
                _lastResponse = null;
                WaitOut(Peer.IsReliable ? TimeSpan.Zero : Timers.T4); // timer I
                return true;
            }
            return State == TransactionState.Confirmed;
        }
    }
}
