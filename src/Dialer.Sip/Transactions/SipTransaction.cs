using Dialer.Sip.Diagnostics;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Transactions;

/// <summary>What every transaction has: a key, a peer, a state under a lock, and timers on the injected clock.</summary>
public abstract class SipTransaction : IDisposable
{
    private List<ITimer>? _timers;
    private List<Action>? _deferred;

    protected SipTransaction(TransactionKey key, SipEndpoint peer, TransactionContext context)
    {
        Key = key;
        Peer = peer;
        Context = context;
    }

    public TransactionKey Key { get; }
    public SipEndpoint Peer { get; }
    public TransactionState State { get; private set; }

    protected TransactionContext Context { get; }
    /// <summary>
    /// What the transaction's state is locked on: the transaction itself (its object header's monitor), not a lock object
    /// of its own, which was 40 bytes more for each of the tens of thousands of transactions alive at a time.
    /// </summary>
    protected object Gate => this;
    protected SipTimers Timers => Context.Timers;

    /// <summary>Raised once when the transaction reaches Terminated; the layer forgets it then.</summary>
    public event Action<SipTransaction>? Terminated;

    protected void MoveTo(TransactionState state)
    {
        State = state;
        if (state == TransactionState.Terminated)
        {
            StopTimers();
            Terminated?.Invoke(this);
        }
    }

    /// <summary>
    /// Stops the timers of the state being left (A/B/C/E/F once a final response came, G/H once the ACK came), so a
    /// transaction kept for timer D/I/J/K/L/M holds one timer, not every timer it ever started.
    /// </summary>
    protected void StopTimers()
    {
        if (_timers is null)
        {
            return;
        }
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }
        _timers = null;
    }

    /// <summary>
    /// Ends the transaction once <paramref name="wait"/> has passed, without a timer of its own (see
    /// <see cref="TransactionWaits"/>): for the last state of an answered transaction, which only absorbs retransmissions.
    /// </summary>
    protected void WaitOut(TimeSpan wait)
    {
        StopTimers();
        Context.Waits.Add(this, wait);
    }

    /// <summary>Its wait is over (<see cref="WaitOut"/>): ends it unless it ended before.</summary>
    internal void Expire()
    {
        lock (Gate)
        {
            if (State != TransactionState.Terminated)
            {
                MoveTo(TransactionState.Terminated);
            }
        }
        RunDeferred();
    }

    /// <summary>Starts a timer that runs <paramref name="fire"/> under the lock unless the transaction has ended.</summary>
    protected ITimer Schedule(TimeSpan due, Action fire)
    {
        var timer = Context.Time.CreateTimer(_ =>
        {
            lock (Gate)
            {
                if (State != TransactionState.Terminated)
                {
                    fire();
                }
            }
            RunDeferred();
        }, null, due, Timeout.InfiniteTimeSpan);
        (_timers ??= []).Add(timer);
        return timer;
    }

    /// <summary>A retransmission timer whose interval doubles, up to T2 when <paramref name="capped"/> (E, G; A is not capped).</summary>
    protected void Retransmit(TimeSpan first, Func<bool> keepGoing, Action send, bool capped = true)
    {
        var interval = first;
        ITimer? timer = null;
        timer = Schedule(first, () =>
        {
            if (!keepGoing())
            {
                return;
            }
            Context.Metrics?.RetransmissionSent();
            send();
            interval = capped ? Timers.Next(interval) : interval * 2;
            timer!.Change(interval, Timeout.InfiniteTimeSpan);
        });
    }

    /// <summary>Queues a TU callback to run once the lock is released, so the TU may call back in freely.</summary>
    protected void Defer(Action action) => (_deferred ??= []).Add(action);

    protected void RunDeferred()
    {
        Action[] actions;
        lock (Gate)
        {
            if (_deferred is not { Count: > 0 })
            {
                return;
            }
            actions = [.. _deferred];
            _deferred.Clear();
        }
        foreach (var action in actions)
        {
            action();
        }
    }

    protected void Send(ReadOnlyMemory<byte> message) => _ = SendAsync(message);

    protected async Task<bool> SendAsync(ReadOnlyMemory<byte> message)
    {
        try
        {
            return await Context.Sender.SendAsync(Peer, message);
        }
        catch (Exception error) when (error is System.Net.Sockets.SocketException or ObjectDisposedException or IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (State != TransactionState.Terminated)
            {
                MoveTo(TransactionState.Terminated);
            }
        }
        GC.SuppressFinalize(this);
    }

    internal void Start(TransactionState state)
    {
        State = state;
    }
}

/// <summary>What transactions share: the sender, the clock and the timer values.</summary>
public sealed record TransactionContext(ISipSender Sender, TimeProvider Time, SipTimers Timers)
{
    /// <summary>Answer every request at its observed source and fill rport= even when it did not ask (RFC 3581 forced).</summary>
    public bool ForceRport { get; init; }

    /// <summary>Server transactions at most; a new request beyond it goes to <see cref="ITransactionUser.OnOverloaded"/>.</summary>
    public int MaxServerTransactions { get; init; } = int.MaxValue;

    /// <summary>Where retransmissions are counted; null counts nothing.</summary>
    public SipMetrics? Metrics { get; init; }

    /// <summary>The last waits of this context's answered transactions (one timer for all of them).</summary>
    public TransactionWaits Waits { get; } = new(Time);
}
