using Dialer.Edge.Calls;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Registrar;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Uris;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

/// <summary>The handlers <see cref="EdgeCore"/> dispatches to, one per kind of request.</summary>
public sealed record EdgeHandlers(PhoneRegistrar Registrar, TrunkCalls Trunks, ExtensionCalls Extensions, InDialogRelay InDialog, DigestGate Gate)
{
    /// <summary>In-dialog requests of dialogs other nodes hold (clustered); null alone.</summary>
    public ElsewhereRelay? Elsewhere { get; init; }
}

/// <summary>
/// The edge's transaction user: the one place that decides what each request is for (docs/architecture.md "A request's
/// path"). Before any state is kept, <see cref="Screen"/> answers statelessly what the edge will not serve: hop and
/// loop problems, unsupported Proxy-Require, strangers, and Routes naming us without a dialog token that verifies.
/// Then REGISTER goes to the registrar, a new INVITE to the trunk or extension handler, CANCEL to the dialog it cancels,
/// OPTIONS to the edge gets its capabilities, and in-dialog requests are relayed because their dialog says so.
/// </summary>
public sealed partial class EdgeCore(EdgeHandlers handlers, DialogGuard guard, DialogTable dialogs, CallerClassifier callers,
    StatelessResponder stateless, PeerSnapshotSource peers, EdgeAddresses addresses, RefusalLog refusals, ILogger<EdgeCore> logger) : ITransactionUser
{
    private volatile bool _draining;

    /// <summary>Stop taking new work: new requests get 503 with Retry-After while transactions in progress finish.</summary>
    public void Drain() => _draining = true;

    public bool Screen(SipMessage request, SipEndpoint source, out object? screening)
    {
        ArgumentNullException.ThrowIfNull(request);
        var refusal = Refusal(request, source, out var screened);
        screening = screened;
        if (refusal is { } answer)
        {
            if (answer.Status > 0)
            {
                stateless.Respond(request, source, answer.Status, answer.Reason, answer.Headers);
                refusals.Refused(source, request.Method, answer.Status);
            }
            return false;
        }
        return true;
    }

    /// <summary>What to answer statelessly, or null to serve the request in a transaction with what was learnt here.</summary>
    private StatelessAnswer? Refusal(SipMessage request, SipEndpoint source, out Screened? screened)
    {
        screened = null;
        if (request.MaxForwards == 0)
        {
            return new(483, "Too Many Hops");
        }
        // Values the edge must store (bindings, dialogs, the carrier log) have bounds; past them the request is refused
        // here, with the RFC's 400, instead of failing later in a write-behind queue.
        if (request.CallId.Length > MaxCallId)
        {
            return new(400, "Bad Request: Call-ID Too Long");
        }
        if (request.Method == SipMethod.Register && LongestContact(request) > MaxContact)
        {
            return new(400, "Bad Request: Contact Too Long");
        }
        if (Dialer.Sip.Proxy.ProxyBranch.HasLooped(request, addresses.IsUs))
        {
            return new(482, "Loop Detected");
        }
        if (RequiredOptions.Unsupported(request, HeaderKind.ProxyRequire) is { } proxyRequired)
        {
            return new(420, "Bad Extension", $"Unsupported: {proxyRequired}");
        }
        switch (guard.Check(request, source, out var route, out var elsewhere))
        {
            case RouteVerdict.Relay:
                screened = new Screened(route, null);
                return null;
            case RouteVerdict.Elsewhere:
                screened = new Screened(null, null, elsewhere);
                return null;
            case RouteVerdict.Forbidden:
                return new(403, "Forbidden");
            case RouteVerdict.UnknownDialog:
                return new(481, "Call/Transaction Does Not Exist");
        }
        var answeredHere = request.Method == SipMethod.Register || (request.Method == SipMethod.Options && IsForUs(request));
        if (answeredHere && RequiredOptions.Unsupported(request, HeaderKind.Require) is { } required)
        {
            // RFC 3261 §8.2.2.3: a UAS (the registrar, or the edge answering OPTIONS) refuses what it does not support.
            return new(420, "Bad Extension", $"Unsupported: {required}");
        }
        if (answeredHere || request.Method == SipMethod.Cancel)
        {
            return null;
        }
        if (HasToTag(request))
        {
            // An in-dialog request that names no dialog of ours (RFC 3261 §12.2.2).
            return new(481, "Call/Transaction Does Not Exist");
        }
        var caller = callers.Classify(source);
        if (caller == Caller.Stranger)
        {
            // Not a dialer, carrier or registered phone.
            return new(403, "Forbidden");
        }
        if (request.Method != SipMethod.Invite)
        {
            return new(403, "Forbidden: Not Relayed");
        }
        screened = new Screened(null, caller);
        return null;
    }

    /// <summary>The transaction table is full (Edge:MaxTransactions): one stateless 503, so the caller retries later.</summary>
    public void OnOverloaded(SipMessage request, SipEndpoint source) =>
        stateless.Respond(request, source, 503, "Service Unavailable", "Retry-After: 5", "Reason: SIP;cause=503;text=\"overloaded\"");

    public void OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source)
    {
        if (transaction is null)
        {
            // RFC 2543 request without a magic-cookie branch: no transaction state is kept for those.
            return;
        }
        _ = DispatchAsync(transaction, request, source);
    }

    private async Task DispatchAsync(ServerTransaction transaction, SipMessage request, SipEndpoint source)
    {
        try
        {
            if (_draining && request.Method is SipMethod.Invite or SipMethod.Register && !addresses.RoutesThroughUs(request))
            {
                await Responder.RespondAsync(transaction, 503, "Service Unavailable", "Retry-After: 5", "Reason: SIP;cause=503;text=\"shutting down\"");
                return;
            }
            var screened = transaction.Screening as Screened;
            if (screened?.Route is { } route)
            {
                await handlers.InDialog.RelayAsync(transaction, request, source, route);
                return;
            }
            if (screened?.Elsewhere is { } dialogId && handlers.Elsewhere is { } elsewhere)
            {
                await elsewhere.RelayAsync(transaction, request, source, dialogId);
                return;
            }
            switch (request.Method)
            {
                case SipMethod.Register:
                    await handlers.Registrar.HandleAsync(transaction, request, source);
                    break;
                case SipMethod.Invite:
                    await InviteAsync(transaction, request, source, screened?.Caller ?? callers.Classify(source));
                    break;
                case SipMethod.Cancel:
                    await CancelAsync(transaction, request, source);
                    break;
                case SipMethod.Options:
                    await Responder.CapabilitiesAsync(transaction);
                    break;
                default:
                    await Responder.RespondAsync(transaction, 403, "Forbidden: Not Relayed");
                    break;
            }
        }
#pragma warning disable CA1031 // One request's failure must not take down the edge; it is logged and answered.
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogRequestFailed(logger, request.MethodText, source.ToString(), error);
            await Responder.RespondAsync(transaction, 500, "Server Internal Error");
        }
    }

    /// <summary>A new call: dialers by ACL, carriers by trunk ACL (extensions only), phones after a 407 digest challenge.</summary>
    private async Task InviteAsync(ServerTransaction transaction, SipMessage invite, SipEndpoint source, Caller caller)
    {
        // RFC 3261 §16.2: a proxy sends 100 Trying at once so the caller stops retransmitting.
        await Responder.RespondAsync(transaction, 100, "Trying");
        Dialer.Peers.Model.Phone? phone = null;
        if (caller == Caller.Phone && (phone = await handlers.Gate.AuthenticateAsync(transaction, invite, source, extension: null)) is null)
        {
            return;
        }
        if (!SipUri.TryParse(invite.RequestUri.Of(invite.Span), out var target) || target.UnescapedUser is not { } number)
        {
            await Responder.RespondAsync(transaction, 404, "Not Found");
            return;
        }
        if (peers.Current.Phones.TryGetValue(number, out var callee) && callee.Active)
        {
            await handlers.Extensions.CallAsync(transaction, invite, source, callee, caller, phone);
        }
        else if (caller is Caller.Carrier or Caller.Node)
        {
            // Carriers only reach extensions: the edge is never a transit from one carrier to another. Another node hands
            // over only calls to phones whose flows this node holds.
            await Responder.RespondAsync(transaction, 404, "Not Found");
        }
        else
        {
            await handlers.Trunks.CallAsync(transaction, invite, source, number, caller, phone);
        }
    }

    /// <summary>CANCEL (RFC 3261 §9.2, §16.10): 200 at once when it matches an early dialog's INVITE from the same caller, then the call cancels.</summary>
    private async Task CancelAsync(ServerTransaction transaction, SipMessage cancel, SipEndpoint source)
    {
        var inviteKey = transaction.Key with { Method = SipMethod.Invite, MethodName = "" };
        var dialog = dialogs.FindByInvite(inviteKey) is { } found && found.Caller.Sends(source) ? found : null;
        // No dialog here: the INVITE may have been handed to the node holding the phone's flow.
        if (dialog is null && handlers.Extensions.Handoff?.Cancel(inviteKey, source) == true)
        {
            await Responder.RespondAsync(transaction, 200, "OK");
            return;
        }
        await Responder.RespondAsync(transaction, dialog is null ? 481 : 200, dialog is null ? "Call/Transaction Does Not Exist" : "OK");
        if (dialog is not null && !handlers.Extensions.Cancel(dialog))
        {
            await handlers.Trunks.CancelAsync(dialog);
        }
    }

    public void OnAck(SipMessage ack, SipEndpoint source)
    {
        // An ACK for a 2xx (RFC 3261 §13.2.2.4) travels only inside a dialog of ours; anything else is dropped.
        if (ack.MaxForwards == 0)
        {
            return;
        }
        switch (guard.Check(ack, source, out var route, out var elsewhere))
        {
            case RouteVerdict.Relay:
                handlers.InDialog.Ack(ack, source, route);
                break;
            case RouteVerdict.Elsewhere when handlers.Elsewhere is { } relay:
                _ = relay.AckAsync(ack, source, elsewhere);
                break;
        }
    }

    /// <summary>A response that matches no client transaction of ours is dropped: the edge relays only what it asked for.</summary>
    public void OnStrayResponse(SipMessage response, SipEndpoint source)
    {
    }

    private bool IsForUs(SipMessage request) =>
        SipUri.TryParse(request.RequestUri.Of(request.Span), out var uri) && addresses.IsOurDomain(uri.HostWithoutBrackets);

    private const int MaxCallId = 255;
    private const int MaxContact = 1024;

    private static int LongestContact(SipMessage request)
    {
        var longest = 0;
        for (var i = request.IndexOf(HeaderKind.Contact); i >= 0; i = request.NextIndexOf(HeaderKind.Contact, i))
        {
            longest = Math.Max(longest, request.HeaderAt(i).Value.Length);
        }
        return longest;
    }

    private static bool HasToTag(SipMessage request) => request.TryGetTo(out var to) && !to.Tag(request.Span).IsEmpty;

    /// <summary>What <see cref="Screen"/> found: the dialog an in-dialog request belongs to (here or on another node), or who sent a new INVITE.</summary>
    private sealed record Screened(DialogRoute? Route, Caller? Caller, string? Elsewhere = null);

    private readonly record struct StatelessAnswer(int Status, string Reason, params string[] Headers);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Handling {Method} from {Source} failed")]
    private static partial void LogRequestFailed(ILogger logger, string method, string source, Exception error);
}
