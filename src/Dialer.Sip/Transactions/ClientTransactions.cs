using System.Collections.Concurrent;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Transactions;

/// <summary>
/// The client side of the transaction layer (RFC 3261 §17.1): requests the TU sends, each in its own client
/// transaction, and responses matched to them (§17.1.3). A TU that sends requests is given this, not the whole layer,
/// so it can exist before the layer that delivers requests to it.
/// </summary>
public sealed class ClientTransactions(TransactionContext context)
{
    private readonly ConcurrentDictionary<TransactionKey, ClientTransaction> _clients = new();
    private int _count;
    private Action<SipTransaction>? _forget;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Sends a request in a new client transaction; its top Via branch must be unique (RFC 3261 §8.1.1.7).</summary>
    /// <param name="request">The serialized request, handed over: the transaction parses and keeps these very bytes for
    /// retransmission (no copy), so the caller must not reuse the memory.</param>
    /// <param name="destination">Where to send it.</param>
    /// <param name="onResponse">Each response the TU should see, provisional ones first, in order.</param>
    /// <param name="onError">Timeout (408) or transport error (503) when no final response came.</param>
    public async Task<ClientTransaction> SendRequestAsync(ReadOnlyMemory<byte> request, SipEndpoint destination,
        Action<ClientTransaction, SipMessage> onResponse, Action<ClientTransaction, TransactionError> onError)
    {
        var message = new SipMessage();
        if (SipParser.Parse(request, SipFraming.Stream, message, out _) != ParseStatus.Complete || !message.IsRequest
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
        Interlocked.Increment(ref _count);
        transaction.Terminated += _forget ??= Forget;
        await transaction.StartAsync();
        return transaction;
    }

    /// <summary>A client transaction ended: the table forgets it (one delegate for every transaction, not one each).</summary>
    private void Forget(SipTransaction ended)
    {
        if (_clients.TryRemove(new KeyValuePair<TransactionKey, ClientTransaction>(ended.Key, (ClientTransaction)ended)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <returns>False when the response matches no client transaction (RFC 3261 §17.1.3).</returns>
    public bool TryDeliver(SipMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (TransactionKey.TryClientKey(response, out var key) && _clients.TryGetValue(key, out var transaction))
        {
            transaction.OnResponse(response);
            return true;
        }
        return false;
    }
}
