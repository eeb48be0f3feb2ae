using System.Text;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Sip.Auth;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Dns;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Edge.Calls;

/// <summary>
/// One call out through a trunk, from INVITE to final answer: tries the trunk's servers in order and, within a server,
/// every address its name locates to (SRV targets, A/AAAA records; RFC 3263 §4.3), serially forking on 408, 503,
/// timeout or a transport error, on the one channel already charged. It answers a carrier's digest challenge once per
/// address, relays responses in order, and records the carrier's legs in the <see cref="Dialog"/>, which owns the
/// channel: a failure, a CANCEL or (later) the BYE ends the dialog and so frees the channel, once.
/// </summary>
internal sealed class TrunkCall(TrunkCallServices services, ServerTransaction inbound, SipMessage invite, SipEndpoint source,
    Dialog dialog, string number, Phone? phone, ReadOnlyMemory<byte>? body)
{
    private readonly Lock _gate = new();
    private readonly Trunk _trunk = dialog.Trunk!;
    private readonly CallRecord _record = dialog.Record!;
    private readonly Queue<SipEndpoint> _addresses = new();
    private Queue<TrunkServer> _servers = new();
    private TrunkServer? _located;
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
        _servers = new Queue<TrunkServer>(servers);
        await NextAsync();
    }

    /// <summary>The caller cancelled: CANCEL the carrier's INVITE, and only then end the dialog (its channel returns).</summary>
    public async Task CancelAsync()
    {
        ClientTransaction? current;
        lock (_gate)
        {
            if (_answered)
            {
                return;
            }
            _cancelled = true;
            current = _current;
        }
        if (current?.CancelRequest() is { } cancel)
        {
            await services.Transactions.SendRequestAsync(cancel, _destination, (_, _) => { }, (_, _) => { });
        }
        services.Dialogs.End(dialog, DialogEnd.Cancelled);
    }

    /// <summary>The dialog ended: the transactions of the call let go of it (see <see cref="TrunkCalls"/>).</summary>
    public void Abandon()
    {
        ClientTransaction? current;
        lock (_gate)
        {
            current = _current;
        }
        current?.Abandon();
        inbound.Abandon();
    }

    /// <summary>The next address of the server being tried, else the first of the next server that locates to any.</summary>
    private async Task NextAsync()
    {
        while (TakeNext() is { } next)
        {
            if (next.Destination is { } destination)
            {
                await SendAsync(next.Server, destination, authorization: null);
                return;
            }
            var found = await services.Resolver.ResolveAsync(_trunk, next.Server);
            lock (_gate)
            {
                _located = next.Server;
                foreach (var address in found.Take(SipServerLocator.MaxAddressesTried))
                {
                    _addresses.Enqueue(address);
                }
            }
        }
        await FinishAsync(503, "Service Unavailable", RejectCauses.Text(RejectCause.NoServer));
    }

    /// <returns>The located server's next address; else the next server, still to locate (no destination); else null.</returns>
    private (TrunkServer Server, SipEndpoint? Destination)? TakeNext()
    {
        lock (_gate)
        {
            if (_cancelled)
            {
                return null;
            }
            _authTried = false;
            if (_located is { } server && _addresses.TryDequeue(out var destination))
            {
                return (server, destination);
            }
            _located = null;
            return _servers.TryDequeue(out var nextServer) ? (nextServer, null) : null;
        }
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
            _record.Server = destination.Address.ToString();
        }
        // Responses of an older attempt (a server we moved on from) are ignored by their attempt number.
        var transaction = await services.Transactions.SendRequestAsync(request, destination,
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
        if (status is 401 or 407 && !_authTried && _trunk.Auth is { Password: { } password } auth)
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
            _ = NextAsync();
            return;
        }
        if (status >= 200)
        {
            lock (_gate)
            {
                if (_record.FinalCode == 0)
                {
                    _record.FinalCode = status;
                    _record.FinalReason = Encoding.UTF8.GetString(response.Reason.Of(response.Span));
                    services.Metrics?.CallSetup(_trunk.Name, services.Time.GetUtcNow() - _record.SetupAt, status);
                }
            }
        }
        TrackLeg(response, status);
        if (status >= 300)
        {
            // Free before the failure leaves, so the dialer's next call on this channel is admitted.
            services.Dialogs.End(dialog, DialogEnd.Failed);
        }
        _ = inbound.RespondAsync(Forwarder.Response(response, invite, source), status);
    }

    /// <summary>A response with a To tag is a carrier leg of the dialog (early on 1xx, confirmed on 2xx), recorded before it is relayed.</summary>
    private void TrackLeg(SipMessage response, int status)
    {
        if (status >= 300 || !response.TryGetTo(out var to) || to.Tag(response.Span).IsEmpty)
        {
            return;
        }
        var tag = Encoding.UTF8.GetString(to.Tag(response.Span).Of(response.Span));
        // Through an outbound proxy every request to the carrier goes to the proxy, in-dialog ones too (the carrier's
        // Contact may name an address only the proxy can reach); otherwise to the Contact.
        var viaProxy = _server is { OutboundProxy.Length: > 0 };
        var callee = new DialogParty(_destination, viaProxy ? _destination : Destinations.ForContact(response, _destination));
        if (dialog.OnCalleeResponse(tag, callee, confirmed: status >= 200, services.Time.GetUtcNow(), () => DialogPath.Of(invite, response, dialog.Token)))
        {
            lock (_gate)
            {
                _answered = true;
            }
            _record.AnsweredAt = services.Time.GetUtcNow();
            services.Dialogs.Confirmed(dialog);
        }
    }

    private void OnError(int attempt, TransactionError error)
    {
        if (attempt == Volatile.Read(ref _attempt) && !_answered && !_cancelled)
        {
            Failed(error == TransactionError.Timeout ? "call timeout" : "call transport error");
            _ = NextAsync();
        }
    }

    /// <summary>
    /// A passive health signal: the server failed this call, at its last address. An address that fails while another
    /// of the same server is still to be tried is not the server failing: the call goes on to that address.
    /// </summary>
    private void Failed(string cause)
    {
        TrunkServer? server;
        lock (_gate)
        {
            server = _addresses.Count == 0 ? _server : null;
        }
        if (server is not null)
        {
            services.Board.ReportCallFailure(TrunkServerKey.For(_trunk, server), cause);
        }
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
        if (_record.FinalCode == 0)
        {
            _record.FinalCode = status;
            _record.FinalReason = cause;
        }
        services.Dialogs.End(dialog, _cancelled ? DialogEnd.Cancelled : DialogEnd.Failed);
        await Responder.RespondAsync(inbound, status, reason, "Retry-After: 5", $"Reason: SIP;cause={status};text=\"{cause}\"");
    }

    /// <summary>The INVITE as the carrier gets it: transformed R-URI, identity headers, filtered SDP, no X-Dialer headers, our Record-Route.</summary>
    private byte[] Build(TrunkServer server, SipEndpoint destination, string? authorization)
    {
        var host = server.Host.Contains(':', StringComparison.Ordinal) ? $"[{server.Host}]" : server.Host;
        var port = server.Port is { } p ? $":{p}" : "";
        var parameters = _trunk.RuriTransform.Params.Length > 0 ? ";" + _trunk.RuriTransform.Params : "";
        var (scheme, transport) = server.UriSchemeAndTransport();
        var identity = CallerIdentity.For(invite, _trunk, host, phone);
        var changes = new ForwardChanges
        {
            RequestUri = $"{scheme}:{TrunkSelector.TransformNumber(_trunk, number)}@{host}{port}{transport}{parameters}",
            RecordRoute = dialog,
            Remove = identity.Removed,
            Add = authorization is null ? identity.Added : [.. identity.Added, authorization],
            Body = body,
        };
        return services.Forwarder.Request(invite, source, destination, changes);
    }
}
