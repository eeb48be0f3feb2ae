using System.Text;
using Dialer.Edge.Core;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Sip.Auth;
using Dialer.Sip.Message;
using Dialer.Sip.Proxy;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Edge.Trunks;

/// <summary>
/// One dialer call on a trunk: tries the trunk's servers in order (serial forking on 408, 503, timeout or a
/// transport error, on the one channel already charged), answers a carrier's digest challenge once per server,
/// relays responses in order, and gives the channel back on a final failure, after a CANCEL went on, or via
/// <see cref="ActiveTrunkCalls"/> once answered.
/// </summary>
internal sealed class TrunkCall(TrunkCallContext context, ServerTransaction inbound, SipMessage invite, SipEndpoint source,
    Trunk trunk, string number, ChannelLease lease, ReadOnlyMemory<byte>? body, CallRecord record)
{
    private readonly Lock _gate = new();
    private Queue<TrunkServer> _servers = new();
    private ClientTransaction? _current;
    private SipEndpoint _destination;
    private TrunkServer? _server;
    private int _attempt;
    private bool _authTried;
    private bool _answered;
    private bool _cancelled;
    private bool _finished;

    public async Task StartAsync(IReadOnlyList<TrunkServer> servers)
    {
        lease.Record = record;
        _servers = new Queue<TrunkServer>(servers);
        await NextServerAsync();
    }

    /// <summary>The dialer cancelled: CANCEL the carrier's INVITE, and only then give the channel back.</summary>
    public async Task CancelAsync()
    {
        ClientTransaction? current;
        lock (_gate)
        {
            _cancelled = true;
            current = _answered ? null : _current;
            record.HangupSide = "cancel";
        }
        if (current is not null)
        {
            using var buffer = new PooledBuffer(512);
            RequestBuilder.Cancel(current.Request, buffer);
            await context.Layer.SendRequestAsync(buffer.WrittenSpan.ToArray(), _destination, (_, _) => { }, (_, _) => { });
        }
        lease.Release();
    }

    private async Task NextServerAsync()
    {
        while (true)
        {
            TrunkServer server;
            lock (_gate)
            {
                if (_cancelled || _servers.Count == 0)
                {
                    break;
                }
                server = _servers.Dequeue();
                _authTried = false;
            }
            var destination = await context.ResolveAsync(server);
            if (destination is not null)
            {
                await SendAsync(server, destination.Value, authorization: null);
                return;
            }
        }
        await FinishAsync(503, "Service Unavailable", RejectCauses.Text(RejectCause.NoServer));
    }

    private async Task SendAsync(TrunkServer server, SipEndpoint destination, string? authorization)
    {
        var request = Build(server, destination, authorization);
        int attempt;
        lock (_gate)
        {
            attempt = ++_attempt;
            _server = server;
            _destination = destination;
            record.Server = destination.Address.ToString();
        }
        // Responses of an older attempt (a server we moved on from) are ignored by their attempt number.
        var transaction = await context.Layer.SendRequestAsync(request, destination,
            (t, response) => OnResponse(attempt, t, response), (t, error) => OnError(attempt, error));
        lock (_gate)
        {
            if (attempt == _attempt)
            {
                _current = transaction;
            }
        }
    }

    private void OnResponse(int attempt, ClientTransaction transaction, SipMessage response)
    {
        var status = response.StatusCode;
        if (status == 100 || attempt != Volatile.Read(ref _attempt))
        {
            return;
        }
        if (status is 401 or 407 && !_authTried && trunk.Auth is { Password: { } password } auth)
        {
            _authTried = true;
            var challenge = response.GetValue(status == 401 ? HeaderKind.WwwAuthenticate : HeaderKind.ProxyAuthenticate);
            var uri = Encoding.UTF8.GetString(transaction.Request.RequestUri.Of(transaction.Request.Span));
            if (challenge is not null && _server is { } server
                && DigestClient.TryAnswer(challenge, "INVITE", uri, auth.Username, password, 1, out var answer))
            {
                // The client transaction ACKed the 401/407 itself; the retry is a new transaction to the same server.
                _ = SendAsync(server, _destination, $"{(status == 401 ? "Authorization" : "Proxy-Authorization")}: {answer}");
                return;
            }
        }
        if (status is 408 or 503 && !_answered && !_cancelled)
        {
            Failed($"call {status}");
            _ = NextServerAsync();
            return;
        }
        if (status >= 200)
        {
            lock (_gate)
            {
                if (record.FinalCode == 0)
                {
                    record.FinalCode = status;
                    record.FinalReason = Encoding.UTF8.GetString(response.Reason.Of(response.Span));
                }
            }
        }
        if (status >= 300)
        {
            // Free before the failure leaves, so the dialer's next call on this channel is admitted.
            lease.Release();
        }
        _ = RelayAsync(response);
        if (status is >= 200 and < 300)
        {
            lock (_gate)
            {
                if (!_answered)
                {
                    _answered = true;
                    record.AnsweredAt = context.Time.GetUtcNow();
                    context.Active.Answered(Encoding.ASCII.GetString(invite.CallId), lease, source.Address);
                }
            }
        }
    }

    private void OnError(int attempt, TransactionError error)
    {
        if (attempt == Volatile.Read(ref _attempt) && !_answered && !_cancelled)
        {
            Failed(error == TransactionError.Timeout ? "call timeout" : "call transport error");
            _ = NextServerAsync();
        }
    }

    /// <summary>A passive health signal: the server we tried failed this call.</summary>
    private void Failed(string cause)
    {
        if (Volatile.Read(ref _server) is { } server)
        {
            context.Board.ReportCallFailure(TrunkServerKey.For(trunk, server), cause);
        }
    }

    private async Task RelayAsync(SipMessage response)
    {
        using var buffer = new PooledBuffer(1024);
        ProxyWriter.Response(response, buffer, invite, source.Address);
        await inbound.RespondAsync(buffer.WrittenSpan.ToArray(), response.StatusCode);
    }

    private async Task FinishAsync(int status, string reason, string cause)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }
            _finished = true;
        }
        if (record.FinalCode == 0)
        {
            record.FinalCode = status;
            record.FinalReason = cause;
        }
        lease.Release();
        await Responder.RespondAsync(inbound, status, reason, "Retry-After: 5", $"Reason: SIP;cause={status};text=\"{cause}\"");
    }

    /// <summary>The INVITE as the carrier gets it: transformed R-URI, identity headers, filtered SDP, no X-Dialer headers.</summary>
    private byte[] Build(TrunkServer server, SipEndpoint destination, string? authorization)
    {
        var host = server.Host.Contains(':', StringComparison.Ordinal) ? $"[{server.Host}]" : server.Host;
        var port = server.Port is { } p ? $":{p}" : "";
        var parameters = trunk.RuriTransform.Params.Length > 0 ? ";" + trunk.RuriTransform.Params : "";
        var transport = server.Transport == SipTransport.Tcp ? ";transport=tcp" : "";
        var requestUri = $"sip:{TrunkSelector.TransformNumber(trunk, number)}@{host}{port}{transport}{parameters}";
        var identity = CallerIdentity.For(invite, trunk, host);
        var add = new List<string>(identity.Added);
        if (authorization is not null)
        {
            add.Add(authorization);
        }
        return context.Forward(invite, source, destination, requestUri, identity.Removed, add, body);
    }
}
