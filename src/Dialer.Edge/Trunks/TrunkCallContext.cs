using Dialer.Edge.Core;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Trunks;

/// <summary>What a <see cref="TrunkCall"/> needs from the edge: transactions, answered calls, server health, DNS, identity rules and forwarding.</summary>
internal sealed class TrunkCallContext(
    TimeProvider time,
    TransactionLayer layer,
    ActiveTrunkCalls active,
    TrunkStatusBoard board,
    Func<TrunkServer, Task<SipEndpoint?>> resolve,
    Func<SipMessage, SipEndpoint, SipEndpoint, string, IReadOnlyCollection<string>, IReadOnlyList<string>, ReadOnlyMemory<byte>?, byte[]> forward)
{
    public TimeProvider Time => time;
    public TransactionLayer Layer => layer;
    public ActiveTrunkCalls Active => active;
    public TrunkStatusBoard Board => board;

    public Task<SipEndpoint?> ResolveAsync(TrunkServer server) => resolve(server);

    public byte[] Forward(SipMessage invite, SipEndpoint source, SipEndpoint destination, string requestUri,
        IReadOnlyCollection<string> remove, IReadOnlyList<string> add, ReadOnlyMemory<byte>? body) =>
        forward(invite, source, destination, requestUri, remove, add, body);

}
