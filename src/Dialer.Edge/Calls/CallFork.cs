using Dialer.Edge.Dialogs;
using Dialer.Sip.Message;
using Dialer.Sip.Proxy;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Edge.Calls;

/// <summary>
/// One INVITE forked in parallel to a phone's bindings (RFC 3261 §16.7): provisional responses are relayed
/// until a final one, every 2xx is relayed and the first cancels the other branches, and without a 2xx the
/// best final response is relayed once all branches ended. Responses go upstream in order through the
/// inbound server transaction, which refuses a provisional after a final. Each branch that answers with a tag
/// becomes a leg of the call's <see cref="Dialog"/>; a fork that ends without a 2xx ends the dialog.
/// </summary>
internal sealed class CallFork(ServerTransaction inbound, ClientTransactions layer, DialogTable dialogs, Dialog dialog, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<Branch> _branches = [];
    private bool _answered;
    private bool _cancelled;
    private (int Status, byte[] Bytes)? _best;

    public async Task StartAsync(IEnumerable<(ReadOnlyMemory<byte> Request, SipEndpoint Destination)> targets)
    {
        foreach (var (request, destination) in targets)
        {
            var branch = new Branch(destination);
            lock (_gate)
            {
                _branches.Add(branch);
            }
            branch.Transaction = await layer.SendRequestAsync(request, destination,
                (_, response) => OnResponse(branch, response), (_, error) => OnFailure(branch, error == TransactionError.Timeout ? 408 : 503));
        }
    }

    /// <summary>The dialog ended: every branch's transaction and the inbound one let go of the fork.</summary>
    public void Abandon()
    {
        List<Branch> branches;
        lock (_gate)
        {
            branches = [.. _branches];
        }
        foreach (var branch in branches)
        {
            branch.Transaction?.Abandon();
        }
        inbound.Abandon();
    }

    /// <summary>The caller gave up (CANCEL): cancel every branch still ringing; their 487s end the fork.</summary>
    public void Cancel()
    {
        List<Branch> pending;
        lock (_gate)
        {
            _cancelled = true;
            pending = [.. _branches.Where(b => b.Final == 0)];
        }
        foreach (var branch in pending)
        {
            SendCancel(branch);
        }
    }

    private void OnResponse(Branch branch, SipMessage response)
    {
        var status = response.StatusCode;
        if (status == 100)
        {
            return;
        }
        List<Branch> toCancel = [];
        (byte[] Bytes, int Status)? relay = null;
        var confirmed = false;
        if (status < 300 && response.TryGetTo(out var to) && !to.Tag(response.Span).IsEmpty)
        {
            var party = new DialogParty(branch.Destination, branch.Destination);
            confirmed = dialog.OnCalleeResponse(System.Text.Encoding.UTF8.GetString(to.Tag(response.Span).Of(response.Span)), party, status >= 200,
                time.GetUtcNow(), () => DialogPath.Of(inbound.Request, response, dialog.Token));
        }
        lock (_gate)
        {
            if (status < 200)
            {
                relay = _answered ? null : (Forwarded(response), status);
            }
            else if (status < 300)
            {
                branch.Final = status;
                relay = (Forwarded(response), status);
                if (!_answered)
                {
                    _answered = true;
                    toCancel = [.. _branches.Where(b => b != branch && b.Final == 0)];
                }
            }
            else
            {
                relay = Finish(branch, status, () => Forwarded(response));
            }
        }
        if (confirmed)
        {
            dialogs.Confirmed(dialog);
        }
        Relay(relay);
        foreach (var other in toCancel)
        {
            SendCancel(other, "SIP;cause=200;text=\"Call completed elsewhere\"");
        }
    }

    private void OnFailure(Branch branch, int status)
    {
        (byte[] Bytes, int Status)? relay;
        lock (_gate)
        {
            if (branch.Final != 0)
            {
                return;
            }
            relay = Finish(branch, status, () => Synthesized(status));
        }
        Relay(relay);
    }

    /// <summary>Sends a response upstream; the fork's final failure ends the dialog first.</summary>
    private void Relay((byte[] Bytes, int Status)? relay)
    {
        if (relay is not { } send)
        {
            return;
        }
        if (send.Status >= 300)
        {
            dialogs.End(dialog, _cancelled ? DialogEnd.Cancelled : DialogEnd.Failed);
        }
        _ = inbound.RespondAsync(send.Bytes, send.Status);
    }

    /// <summary>
    /// A branch ended with a failure: keep it if it is the best so far, and once every branch has ended without a
    /// 2xx, return the best final response to relay (RFC 3261 §16.7 step 6). Runs under the lock.
    /// </summary>
    private (byte[] Bytes, int Status)? Finish(Branch branch, int status, Func<byte[]> bytes)
    {
        branch.Final = status;
        if (_best is null || Rank(status) < Rank(_best.Value.Status))
        {
            _best = (status, bytes());
        }
        return !_answered && _branches.All(b => b.Final != 0) && _best is { } best ? (best.Bytes, best.Status) : null;
    }

    /// <summary>6xx wins; then the lowest class; busy and decline before other failures within a class.</summary>
    private int Rank(int status) => status switch
    {
        >= 600 => status - 600,
        486 => 4000,
        487 when _cancelled => 4000,
        _ => (status / 100 * 1000) + 100 + (status % 100),
    };

    private static byte[] Forwarded(SipMessage response)
    {
        using var buffer = new PooledBuffer(1024);
        ProxyWriter.Response(response, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private byte[] Synthesized(int status)
    {
        using var buffer = new PooledBuffer(512);
        ResponseBuilder.Write(inbound.Request, status, status == 408 ? "Request Timeout"u8 : "Service Unavailable"u8, "edge"u8, buffer,
            default, default, inbound.Source.Address, inbound.ForceRport);
        return buffer.WrittenSpan.ToArray();
    }

    private void SendCancel(Branch branch, string? reason = null)
    {
        if (branch.Transaction?.CancelRequest(reason is null ? default : System.Text.Encoding.ASCII.GetBytes(reason)) is not { } cancel)
        {
            return;
        }
        _ = layer.SendRequestAsync(cancel, branch.Destination, (_, _) => { }, (_, _) => { });
    }

    private sealed class Branch(SipEndpoint destination)
    {
        public SipEndpoint Destination { get; } = destination;
        public ClientTransaction? Transaction { get; set; }
        public int Final { get; set; }
    }
}
