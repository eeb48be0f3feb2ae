using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Location;
using Dialer.Peers.Model;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Calls;

/// <summary>How calls to a registered extension are handled (Edge:ExtensionMode).</summary>
public enum ExtensionMode
{
    /// <summary>The edge forks the INVITE to every binding and stays in the path (Record-Route).</summary>
    Proxy,
    /// <summary>The edge answers 302 with the bindings as Contacts, q-ordered, and is out of the call.</summary>
    Redirect,
}

/// <summary>
/// Calls to a registered extension (Kamailio's registrar lookup + tm fork, or a redirect server): 480 without a live
/// binding; in redirect mode 302 with the bindings; else a parallel fork (RFC 3261 §16.7) inside a new dialog.
/// </summary>
public sealed class ExtensionCalls(EdgeSettings settings, LocationService location, ClientTransactions transactions, Forwarder forwarder,
    DialogTable dialogs, TimeProvider time)
{
    private static readonly string[] s_dialerHeaders = ["X-Dialer-Trunk", "X-Dialer-Campaign"];
    private readonly ConcurrentDictionary<Dialog, CallFork> _forks = new();

    /// <summary>Clustered: hands calls to the node holding the called phone's flows; null alone.</summary>
    public FlowHandoff? Handoff { get; init; }

    /// <param name="transaction">The INVITE's server transaction (100 Trying already sent).</param>
    /// <param name="invite">The INVITE.</param>
    /// <param name="source">Where it came from.</param>
    /// <param name="phone">The called phone peer.</param>
    /// <param name="caller">Who calls.</param>
    /// <param name="callingPhone">The authenticated phone peer when a phone calls.</param>
    public async Task CallAsync(ServerTransaction transaction, SipMessage invite, SipEndpoint source, Phone phone, Caller caller, Phone? callingPhone)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(phone);
        var all = location.Lookup(phone.Extension);
        // This node rings the bindings whose flows it holds. Another node's are reached through that node; a call that
        // node handed over rings only ours (it never goes back).
        IReadOnlyList<Binding> bindings = settings.Cluster.Enabled ? [.. all.Where(settings.Cluster.Holds)] : all;
        if (bindings.Count == 0 && caller != Caller.Node && all.Count > 0)
        {
            var holder = all.MaxBy(b => b.RegisteredAt)!.Node;
            if (settings.ExtensionMode == ExtensionMode.Proxy && Handoff?.NodeAddress(holder, source.Address.AddressFamily) is { } node)
            {
                await Handoff.HandOffAsync(transaction, invite, source, node);
                return;
            }
            bindings = all; // the holder's address is not known yet: try the phone directly
        }
        if (bindings.Count == 0)
        {
            await Responder.RespondAsync(transaction, 480, "Temporarily Unavailable");
            return;
        }
        if (!OfferFilter.TryFilter(invite, out var body, phone.Codecs, callingPhone?.Codecs))
        {
            await Responder.RespondAsync(transaction, 488, "Not Acceptable Here", "Warning: 304 dialer \"no codec allowed for this phone\"");
            return;
        }
        if (settings.ExtensionMode == ExtensionMode.Redirect)
        {
            // RFC 3261 §8.3 / §21.3.3: the contacts in preference order; the caller tries them itself.
            await Responder.RespondAsync(transaction, 302, "Moved Temporarily",
                [.. bindings.Select(b => $"Contact: <{b.Contact}>;q={(b.QMillis / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)}")], default);
            return;
        }
        var span = invite.Span;
        var fromTag = invite.TryGetFrom(out var from) ? Encoding.UTF8.GetString(from.Tag(span).Of(span)) : "";
        // A call another node handed over came from its caller through that node: the caller's own address is the one
        // that node wrote in its Via (received/rport), and the caller's ACK and BYE come straight here (our Record-Route).
        var callerSource = caller == Caller.Node && Destinations.BeforeLastHop(invite) is { } before ? before : source;
        var party = new DialogParty(callerSource, Destinations.ForCaller(invite, callerSource, caller == Caller.Phone));
        var dialog = dialogs.TryCreate(new DialogStart(invite.CallId.ToArray(), fromTag, DialogKind.Extension, party)
        {
            Number = phone.Extension,
            InviteKey = transaction.Key,
            CSeq = invite.TryGetCSeq(out var cseq) ? cseq.Number : 0,
        });
        if (dialog is null)
        {
            await Responder.RespondAsync(transaction, 503, "Service Unavailable", "Retry-After: 5", "Reason: SIP;cause=503;text=\"dialog table full\"");
            return;
        }
        var fork = new CallFork(transaction, transactions, dialogs, dialog, time);
        _forks[dialog] = fork;
        Forget(dialog); // it may have ended already
        await fork.StartAsync([.. bindings.Select(binding =>
        {
            var destination = Destinations.ForBinding(binding);
            var changes = new ForwardChanges { RequestUri = binding.Contact, RecordRoute = dialog, Remove = s_dialerHeaders, Body = body };
            return ((ReadOnlyMemory<byte>)forwarder.Request(invite, source, destination, changes), destination);
        })]);
    }

    /// <summary>A fork's dialog ended: the fork is forgotten and its transactions let go of it (as <see cref="TrunkCalls.Forget"/>).</summary>
    public void Forget(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (dialog.State == DialogState.Terminated && _forks.TryRemove(dialog, out var fork))
        {
            fork.Abandon();
        }
    }

    /// <summary>A CANCEL for the fork of <paramref name="dialog"/>: every branch still ringing is cancelled.</summary>
    public bool Cancel(Dialog dialog)
    {
        if (!_forks.TryGetValue(dialog, out var fork))
        {
            return false;
        }
        fork.Cancel();
        return true;
    }
}
