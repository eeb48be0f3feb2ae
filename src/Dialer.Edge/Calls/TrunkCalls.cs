using System.Collections.Concurrent;
using System.Text;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Calls;

/// <summary>
/// Calls out through a trunk (Kamailio's dispatcher + dialog profiles in one handler): pick the trunk (X-Dialer-Trunk
/// from dialers only, else the longest dial prefix), check a phone's outboundTrunks, filter the SDP to the trunk's
/// codecs (488 when none is left), admit the channel (503 with Retry-After and a Reason naming the cause), open the
/// dialog that will own the channel, and hand the call to a <see cref="TrunkCall"/>.
/// </summary>
public sealed partial class TrunkCalls
{
    private readonly ConcurrentDictionary<Dialog, TrunkCall> _pending = new();
    private readonly PeerSnapshotSource _peers;
    private readonly ChannelLedger _ledger;
    private readonly ILogger<TrunkCalls> _logger;
    private readonly TrunkCallServices _services;

    /// <summary>This node's cluster grants; null when the edge is alone.</summary>
    public ClusterLeases? Leases { get; init; }

    /// <summary>Where the calls' setup times are recorded; null records nothing.</summary>
    public EdgeMetrics? Metrics
    {
        get => _services.Metrics;
        init => _services = _services with { Metrics = value };
    }

    public TrunkCalls(PeerSnapshotSource peers, ChannelLedger ledger, ClientTransactions transactions, Forwarder forwarder, DialogTable dialogs,
        TrunkStatusBoard board, TrunkResolver resolver, TimeProvider time, ILogger<TrunkCalls> logger)
    {
        _peers = peers;
        _ledger = ledger;
        _logger = logger;
        _services = new TrunkCallServices(transactions, forwarder, dialogs, board, resolver, time);
    }

    /// <summary>
    /// A call's dialog ended: the call is forgotten and its transactions let go of it, so the 32 s they still wait for
    /// retransmissions (timers L and M) hold their keys and a timer, not the call, its dialog and both INVITEs. Wired to
    /// <see cref="DialogTable.Changed"/> by <see cref="EdgeComposition"/>.
    /// </summary>
    public void Forget(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (dialog.State == DialogState.Terminated && _pending.TryRemove(dialog, out var call))
        {
            call.Abandon();
        }
    }

    /// <param name="transaction">The INVITE's server transaction (100 Trying already sent).</param>
    /// <param name="invite">The INVITE.</param>
    /// <param name="source">Where it came from.</param>
    /// <param name="number">The Request-URI user.</param>
    /// <param name="caller">Dialer or Phone.</param>
    /// <param name="phone">The authenticated phone peer when a phone calls.</param>
    public async Task CallAsync(ServerTransaction transaction, SipMessage invite, SipEndpoint source, string number, Caller caller, Phone? phone)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(invite);
        var snapshot = _peers.Current;
        // X-Dialer-* are a dialer's words: from anyone else they are ignored (and never forwarded).
        var isDialer = caller == Caller.Dialer;
        var selected = TrunkSelector.Select(snapshot, number, isDialer ? invite.GetValue("X-Dialer-Trunk") : null);
        if (selected is not { } route)
        {
            await Responder.RespondAsync(transaction, 404, "Not Found: No Route");
            return;
        }
        var (trunk, stripped) = route;
        if (phone is not null && !phone.MayUseTrunk(trunk.Name))
        {
            await Responder.RespondAsync(transaction, 403, "Forbidden: No Outbound Trunk For This Phone");
            return;
        }
        if (!OfferFilter.TryFilter(invite, out var body, trunk.Codecs, phone?.Codecs))
        {
            await Responder.RespondAsync(transaction, 488, "Not Acceptable Here", "Warning: 304 dialer \"no codec allowed by the trunk\"");
            return;
        }
        var campaign = isDialer ? invite.GetValue("X-Dialer-Campaign") : null;
        // Servers that are down (health probes or call failures) or disabled get no new calls.
        var servers = TrunkSelector.Order(trunk, server => _services.Board.IsRoutable(TrunkServerKey.For(trunk, server)));
        if (servers.Count == 0)
        {
            _ledger.For(trunk.Name).Refuse(RejectCause.NoServer, campaign);
            await RejectAsync(transaction, RejectCause.NoServer);
            return;
        }
        var (cause, lease) = await AdmitAsync(_ledger.For(trunk.Name), trunk, snapshot.Campaigns.Values, campaign);
        if (cause is { } refused)
        {
            await RejectAsync(transaction, refused);
            return;
        }
        var dialog = Open(transaction, invite, source, caller, trunk, campaign, number, lease!);
        if (dialog is null)
        {
            lease!.Release();
            await Responder.RespondAsync(transaction, 503, "Service Unavailable", "Retry-After: 5", "Reason: SIP;cause=503;text=\"dialog table full\"");
            return;
        }
        var call = new TrunkCall(_services, transaction, invite, source, dialog, stripped, phone, body);
        _pending[dialog] = call;
        Forget(dialog); // it may have ended already
        await call.StartAsync(servers);
    }

    /// <summary>
    /// Admission on the trunk's ledger. On a node of a cluster a call that finds this node's grant used up waits for it to
    /// grow (one database transaction; at most twice: the campaign's reserved channels, then the unreserved ones) and is
    /// asked again; a grant nearly used up grows in the background.
    /// </summary>
    private async ValueTask<(RejectCause? Cause, ChannelLease? Lease)> AdmitAsync(TrunkChannels channels, Trunk trunk, IEnumerable<Campaign> campaigns, string? campaign)
    {
        var grown = GrantsGrown.None;
        while (true)
        {
            var cause = channels.TryAdmit(trunk, campaigns, campaign, grown, out var lease, out var need);
            if (Leases is not { } leases || need.Pool is null)
            {
                return (cause, lease);
            }
            if (!need.Wait)
            {
                leases.GrowAhead(channels, need);
                return (cause, lease);
            }
            await leases.GrowAsync(channels, need);
            grown |= need.Pool.Length > 0 ? GrantsGrown.Reserved : GrantsGrown.Unreserved;
        }
    }

    /// <summary>A CANCEL for the INVITE of <paramref name="dialog"/>: the call cancels the carrier's INVITE, then ends.</summary>
    public async Task<bool> CancelAsync(Dialog dialog)
    {
        if (!_pending.TryGetValue(dialog, out var call))
        {
            return false;
        }
        await call.CancelAsync();
        return true;
    }

    private Dialog? Open(ServerTransaction transaction, SipMessage invite, SipEndpoint source, Caller caller, Trunk trunk, string? campaign, string number, ChannelLease lease)
    {
        var span = invite.Span;
        var fromTag = invite.TryGetFrom(out var from) ? Encoding.UTF8.GetString(from.Tag(span).Of(span)) : "";
        var record = new CallRecord
        {
            CallId = Encoding.ASCII.GetString(invite.CallId),
            Trunk = trunk.Name,
            Campaign = campaign,
            Number = number,
            SetupAt = _services.Time.GetUtcNow(),
        };
        lease.Record = record;
        var party = new DialogParty(source, Destinations.ForCaller(invite, source, caller == Caller.Phone));
        var dialog = _services.Dialogs.TryCreate(new DialogStart(invite.CallId.ToArray(), fromTag, DialogKind.Trunk, party)
        {
            Trunk = trunk,
            Campaign = campaign,
            Number = number,
            Lease = lease,
            Record = record,
            InviteKey = transaction.Key,
            CSeq = invite.TryGetCSeq(out var cseq) ? cseq.Number : 0,
        });
        record.DialogId = dialog?.Id;
        return dialog;
    }

    private Task<bool> RejectAsync(ServerTransaction transaction, RejectCause cause)
    {
        LogRejected(_logger, cause);
        // A CPS token comes back within a second; a channel or a server takes longer.
        var retryAfter = cause == RejectCause.CpsCap ? "Retry-After: 1" : "Retry-After: 5";
        return Responder.RespondAsync(transaction, 503, "Service Unavailable", retryAfter,
            $"Reason: SIP;cause=503;text=\"{RejectCauses.Text(cause)}\"");
    }

    [LoggerMessage(EventId = 2402, Level = LogLevel.Debug, Message = "Trunk call refused: {Cause}")]
    private static partial void LogRejected(ILogger logger, RejectCause cause);
}
