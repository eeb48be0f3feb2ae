using System.Net;
using Dialer.Edge.Trunks;
using Dialer.Peers.Model;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Dialogs;

/// <summary>Which kind of call a dialog is.</summary>
public enum DialogKind
{
    /// <summary>A dialer's or a phone's call out through a trunk (holds a channel).</summary>
    Trunk,
    /// <summary>A call to a registered extension (forked to its bindings), from a dialer, a phone or a carrier.</summary>
    Extension,
}

public enum DialogState { Early, Confirmed, Terminated }

/// <summary>The two sides of a dialog: the caller (who sent the INVITE to the edge) and the callee (where the edge sent it).</summary>
public enum DialogSide { Caller, Callee }

/// <summary>
/// One call through the edge (RFC 3261 §12, Kamailio's dialog module): created when the edge admits an INVITE, it owns
/// the call's life — both sides' addresses, the callee legs (one per fork branch that answered with a tag), the channel
/// lease and the dialog timeout. The <see cref="DialogTable"/> ends it exactly once, which releases the lease.
/// </summary>
public sealed class Dialog
{
    private readonly Lock _gate = new();
    private readonly List<DialogLeg> _legs = [];

    internal Dialog(string id, string token, string callId, string callerTag, DialogKind kind, DialogParty caller, DateTimeOffset createdAt)
    {
        Id = id;
        Token = token;
        CallId = callId;
        CallerTag = callerTag;
        Kind = kind;
        Caller = caller;
        CreatedAt = createdAt;
    }

    internal uint InitialCSeq { init => CallerCSeq = value; }

    public string Id { get; }
    /// <summary>The signed token that goes in the edge's Record-Route for this dialog.</summary>
    public string Token { get; }
    public string CallId { get; }
    public string CallerTag { get; }
    public DialogKind Kind { get; }
    /// <summary>Where the INVITE came from and where requests towards the caller go.</summary>
    public DialogParty Caller { get; }
    public DateTimeOffset CreatedAt { get; }
    /// <summary>When the dialog timeout ends the call (Edge:MaxCallSeconds after it began).</summary>
    public DateTimeOffset ExpiresAt { get; internal set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    public DialogState State { get; private set; } = DialogState.Early;

    /// <summary>The trunk carrying the call (trunk calls), whose ACL also vouches for the callee side.</summary>
    public Trunk? Trunk { get; init; }
    public string? Campaign { get; init; }
    /// <summary>The called number or extension as dialled.</summary>
    public string Number { get; init; } = "";
    /// <summary>The channel this call holds (trunk calls); released when the dialog ends.</summary>
    public ChannelLease? Lease { get; init; }
    /// <summary>The carrier-log record of a trunk call, completed when the dialog ends.</summary>
    public CallRecord? Record { get; init; }

    /// <summary>The INVITE's server transaction key while the dialog is early (CANCEL matching).</summary>
    public Dialer.Sip.Transactions.TransactionKey? InviteKey { get; internal set; }

    internal ITimer? Timer { get; set; }

    /// <summary>The highest CSeq the caller has used in this dialog (its INVITE's to begin with).</summary>
    public uint CallerCSeq { get; private set; }

    /// <summary>The dialog timeout fired and the edge is sending its BYEs; the dialog ends when they are answered.</summary>
    internal bool HangingUp { get; set; }

    public IReadOnlyList<DialogLeg> Legs
    {
        get
        {
            lock (_gate)
            {
                return [.. _legs];
            }
        }
    }

    /// <summary>A response with a To tag from a callee (RFC 3261 §12.1: early on 1xx, confirmed on 2xx): its leg, added or updated.</summary>
    /// <returns>True when this response confirmed the dialog for the first time.</returns>
    public bool OnCalleeResponse(string toTag, DialogParty callee, bool confirmed, DateTimeOffset now,
        Func<(DialogPath TowardsCaller, DialogPath TowardsCallee)?>? paths = null)
    {
        lock (_gate)
        {
            if (State == DialogState.Terminated || toTag.Length == 0)
            {
                return false;
            }
            var leg = _legs.Find(l => l.Tag == toTag);
            if (leg is null)
            {
                leg = new DialogLeg(toTag, callee);
                _legs.Add(leg);
            }
            else
            {
                leg.Party = callee;
            }
            if (!confirmed || leg.Confirmed)
            {
                return false;
            }
            leg.Confirmed = true;
            // Worked out once per leg, at its first 2xx; a retransmitted 2xx costs nothing here.
            leg.Paths = paths?.Invoke();
            var first = State == DialogState.Early;
            State = DialogState.Confirmed;
            ConfirmedAt ??= now;
            return first;
        }
    }

    /// <summary>An in-dialog request from <paramref name="side"/> on <paramref name="leg"/> with this CSeq passed (RFC 3261 §12.2.1.1).</summary>
    public void Saw(DialogSide side, DialogLeg leg, uint cseq)
    {
        ArgumentNullException.ThrowIfNull(leg);
        lock (_gate)
        {
            if (side == DialogSide.Caller)
            {
                CallerCSeq = Math.Max(CallerCSeq, cseq);
            }
            else
            {
                leg.CSeq = Math.Max(leg.CSeq, cseq);
            }
        }
    }

    /// <summary>The CSeq for a request the edge sends towards the callee (as the caller) or the caller (as that leg's callee).</summary>
    public uint NextCSeq(DialogSide towards, DialogLeg leg)
    {
        ArgumentNullException.ThrowIfNull(leg);
        lock (_gate)
        {
            return towards == DialogSide.Callee ? ++CallerCSeq : ++leg.CSeq;
        }
    }

    /// <summary>A BYE on this leg was answered (or will never be): the leg is over.</summary>
    /// <returns>True when no confirmed leg is left, so the dialog is over.</returns>
    public bool EndLeg(DialogLeg leg)
    {
        ArgumentNullException.ThrowIfNull(leg);
        lock (_gate)
        {
            leg.Ended = true;
            return !_legs.Exists(l => l.Confirmed && !l.Ended);
        }
    }

    /// <summary>
    /// Which side sent an in-dialog request and on which leg (RFC 3261 §12.2: the dialog is Call-ID + both tags), or null
    /// when the tags belong to no leg of this dialog.
    /// </summary>
    public (DialogSide Side, DialogLeg Leg)? Direction(string fromTag, string toTag)
    {
        lock (_gate)
        {
            if (State == DialogState.Terminated)
            {
                return null;
            }
            if (fromTag == CallerTag && _legs.Find(l => l.Tag == toTag && !l.Ended) is { } towardsCallee)
            {
                return (DialogSide.Caller, towardsCallee);
            }
            if (toTag == CallerTag && _legs.Find(l => l.Tag == fromTag && !l.Ended) is { } fromCallee)
            {
                return (DialogSide.Callee, fromCallee);
            }
            return null;
        }
    }

    /// <summary>Whether <paramref name="source"/> may speak for <paramref name="side"/> on <paramref name="leg"/>.</summary>
    public bool IsFrom(DialogSide side, DialogLeg leg, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(leg);
        var address = Normalize(source.Address.Address);
        if (side == DialogSide.Caller)
        {
            // The caller's observed source: address and, over UDP, port (a NATed phone keeps its mapping; a dialer its socket).
            return Caller.Sends(source);
        }
        // The callee by address: the server or phone we sent the INVITE to, its contact, or (trunk calls) the trunk's
        // ACL. Carriers send BYEs from other ports and other machines of theirs than the one that answered.
        var callee = leg.Party;
        return Normalize(callee.Source.Address.Address).Equals(address) || Normalize(callee.Target.Address.Address).Equals(address)
            || (Trunk is not null && Trunk.Acl.Any(cidr => cidr.Contains(address)));
    }

    /// <summary>A confirmed leg read back after a restart.</summary>
    internal void RestoreLeg(string tag, DialogParty callee, DateTimeOffset? confirmedAt, (DialogPath, DialogPath)? paths, uint callerCSeq, uint calleeCSeq)
    {
        lock (_gate)
        {
            _legs.Add(new DialogLeg(tag, callee) { Confirmed = true, Paths = paths, CSeq = calleeCSeq });
            CallerCSeq = Math.Max(CallerCSeq, callerCSeq);
            State = DialogState.Confirmed;
            ConfirmedAt ??= confirmedAt;
        }
    }

    internal bool Terminate()
    {
        lock (_gate)
        {
            if (State == DialogState.Terminated)
            {
                return false;
            }
            State = DialogState.Terminated;
            return true;
        }
    }

    internal static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>One side's addresses: where it sends from (observed) and where requests to it go (its contact, NAT-aware).</summary>
public sealed record DialogParty(SipEndpoint Source, SipEndpoint Target)
{
    /// <summary>Same address; over UDP also the same port.</summary>
    public bool Sends(SipEndpoint from)
    {
        if (!Dialog.Normalize(Source.Address.Address).Equals(Dialog.Normalize(from.Address.Address)))
        {
            return false;
        }
        return Source.IsReliable || from.IsReliable || Source.Address.Port == from.Address.Port;
    }
}

/// <summary>One callee leg of a dialog: the To tag it answered with and its addresses.</summary>
public sealed class DialogLeg(string tag, DialogParty party)
{
    public string Tag { get; } = tag;
    public DialogParty Party { get; internal set; } = party;
    public bool Confirmed { get; internal set; }
    public bool Ended { get; internal set; }
    /// <summary>How the edge reaches each side of this leg itself (recorded when it was confirmed).</summary>
    public (DialogPath TowardsCaller, DialogPath TowardsCallee)? Paths { get; internal set; }
    /// <summary>The highest CSeq this callee has used in the dialog.</summary>
    public uint CSeq { get; internal set; }
}
