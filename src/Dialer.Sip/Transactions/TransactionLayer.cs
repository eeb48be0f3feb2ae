using System.Collections.Concurrent;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Transactions;

/// <summary>
/// Matches incoming messages to transactions (RFC 3261 §17.1.3, §17.2.3), creates server transactions for new
/// requests and client transactions for requests the TU sends, and hands the rest to the TU.
/// </summary>
public sealed class TransactionLayer(TransactionContext context, ITransactionUser user)
{
    private readonly ConcurrentDictionary<TransactionKey, ServerTransaction> _servers = new();
    private readonly ConcurrentDictionary<TransactionKey, ClientTransaction> _clients = new();

    public int ServerCount => _servers.Count;
    public int ClientCount => _clients.Count;

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
        var transaction = new ServerTransaction(key, ResponseDestination.For(request, source), request, context);
        if (!_servers.TryAdd(key, transaction))
        {
            _servers[key].OnRetransmission();
            return;
        }
        transaction.Terminated += t => _servers.TryRemove(new KeyValuePair<TransactionKey, ServerTransaction>(t.Key, (ServerTransaction)t));
        user.OnRequest(transaction, request, source);
    }

    public void ReceiveResponse(SipMessage response, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (TransactionKey.TryClientKey(response, out var key) && _clients.TryGetValue(key, out var transaction))
        {
            transaction.OnResponse(response);
            return;
        }
        user.OnStrayResponse(response, source);
    }

    /// <summary>Sends a request in a new client transaction; its top Via branch must be unique (RFC 3261 §8.1.1.7).</summary>
    /// <param name="request">The serialized request; the transaction keeps it for retransmission.</param>
    /// <param name="destination">Where to send it.</param>
    /// <param name="onResponse">Each response the TU should see, provisional ones first, in order.</param>
    /// <param name="onError">Timeout (408) or transport error (503) when no final response came.</param>
    public async Task<ClientTransaction> SendRequestAsync(ReadOnlyMemory<byte> request, SipEndpoint destination,
        Action<ClientTransaction, SipMessage> onResponse, Action<ClientTransaction, TransactionError> onError)
    {
        var message = new SipMessage();
        if (SipParser.Parse(request.ToArray(), SipFraming.Stream, message, out _) != ParseStatus.Complete || !message.IsRequest
            || !message.TryGetTopVia(out var via) || via.Branch.IsEmpty)
        {
            throw new ArgumentException("not a complete request with a Via branch", nameof(request));
        }
        var key = TransactionKey.Client(System.Text.Encoding.ASCII.GetString(via.Branch.Of(message.Span)), message.Method, message.MethodText);
        var transaction = new ClientTransaction(key, destination, message, context, onResponse, onError);
        if (!_clients.TryAdd(key, transaction))
        {
            throw new InvalidOperationException($"a client transaction with branch {key.Branch} already exists");
        }
        transaction.Terminated += t => _clients.TryRemove(new KeyValuePair<TransactionKey, ClientTransaction>(t.Key, (ClientTransaction)t));
        await transaction.StartAsync();
        return transaction;
    }

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
