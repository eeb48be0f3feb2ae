using System.Collections.Concurrent;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Transactions;

/// <summary>
/// Matches incoming messages to transactions (RFC 3261 §17.1.3, §17.2.3), creates server transactions for new
/// requests and client transactions for requests the TU sends, and hands the rest to the TU.
/// </summary>
public sealed class TransactionLayer(TransactionContext context, ClientTransactions clients, ITransactionUser user)
{
    private readonly ConcurrentDictionary<TransactionKey, ServerTransaction> _servers = new();
    private Action<SipTransaction>? _forgetServer;
    // ConcurrentDictionary.Count takes every bucket lock: far too dear on each request, so the layer counts itself.
    private int _serverCount;

    public TransactionLayer(TransactionContext context, ITransactionUser user)
        : this(context, new ClientTransactions(context), user)
    {
    }

    public int ServerCount => Volatile.Read(ref _serverCount);
    public int ClientCount => clients.Count;
    public ClientTransactions Clients => clients;
    public void ReceiveRequest(SipMessage request, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TransactionKey.TryServerKey(request, out var key))
        {
            if (request.Method == SipMethod.Ack)
            {
                user.OnAck(request, source);
            }
            else
            {
                user.OnRequest(null, request, source);
            }
            return;
        }
        if (request.Method == SipMethod.Ack)
        {
            if (!_servers.TryGetValue(key, out var invite) || !invite.OnAck())
            {
                user.OnAck(request, source);
            }
            return;
        }
        if (_servers.TryGetValue(key, out var existing))
        {
            existing.OnRetransmission();
            return;
        }
        if (!user.Screen(request, source, out var screening))
        {
            return;
        }
        if (Volatile.Read(ref _serverCount) >= context.MaxServerTransactions)
        {
            user.OnOverloaded(request, source);
            return;
        }
        var transaction = new ServerTransaction(key, ResponseDestination.For(request, source, context.ForceRport), request, context, screening) { Source = source };
        if (!_servers.TryAdd(key, transaction))
        {
            _servers[key].OnRetransmission();
            return;
        }
        Interlocked.Increment(ref _serverCount);
        transaction.Terminated += _forgetServer ??= Forget;
        user.OnRequest(transaction, request, source);
    }

    /// <summary>A server transaction ended: the table forgets it (one delegate for every transaction, not one each).</summary>
    private void Forget(SipTransaction ended)
    {
        if (_servers.TryRemove(new KeyValuePair<TransactionKey, ServerTransaction>(ended.Key, (ServerTransaction)ended)))
        {
            Interlocked.Decrement(ref _serverCount);
        }
    }

    public void ReceiveResponse(SipMessage response, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!clients.TryDeliver(response))
        {
            user.OnStrayResponse(response, source);
        }
    }

    /// <summary>Sends a request in a new client transaction (see <see cref="ClientTransactions.SendRequestAsync"/>).</summary>
    public Task<ClientTransaction> SendRequestAsync(ReadOnlyMemory<byte> request, SipEndpoint destination,
        Action<ClientTransaction, SipMessage> onResponse, Action<ClientTransaction, TransactionError> onError) =>
        clients.SendRequestAsync(request, destination, onResponse, onError);

    /// <summary>The INVITE server transaction a CANCEL refers to (RFC 3261 §9.2), or null.</summary>
    public ServerTransaction? FindInviteFor(SipMessage cancel)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        return TransactionKey.TryServerKey(cancel, out var key)
            && _servers.TryGetValue(key with { Method = SipMethod.Invite, MethodName = "" }, out var invite)
            ? invite
            : null;
    }
}
