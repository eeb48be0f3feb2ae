using System.Collections.Concurrent;
using System.Text;
using Dialer.Edge.Trunks;
using Dialer.Peers.Model;
using Dialer.Sip.Transactions;

namespace Dialer.Edge.Dialogs;

/// <summary>What a new dialog is about, as the handler that admitted the INVITE knows it.</summary>
public sealed record DialogStart(ReadOnlyMemory<byte> CallId, string CallerTag, DialogKind Kind, DialogParty Caller)
{
    /// <summary>The INVITE's server transaction key, so a CANCEL (RFC 3261 §9.2) finds the early dialog.</summary>
    public TransactionKey? InviteKey { get; init; }
    public Trunk? Trunk { get; init; }
    public string? Campaign { get; init; }
    public string Number { get; init; } = "";
    public ChannelLease? Lease { get; init; }
    public CallRecord? Record { get; init; }
    /// <summary>The INVITE's CSeq number: the caller's requests in the dialog count up from it.</summary>
    public uint CSeq { get; init; }
}

/// <summary>A confirmed callee leg read back after a restart.</summary>
public sealed record RestoredLeg(string Tag, DialogParty Callee, (DialogPath TowardsCaller, DialogPath TowardsCallee)? Paths, uint CSeq);

/// <summary>Why a dialog ended, for the carrier log's hangup side.</summary>
public enum DialogEnd { CallerBye, CalleeBye, Cancelled, Failed, Timeout, Restored }

/// <summary>
/// The one owner of the edge's dialogs (bounded by <c>Edge:MaxDialogs</c>): creates them when an INVITE is admitted,
/// finds them by the id in a verified token, and ends each exactly once — on a BYE answered or timed out, a CANCEL, a
/// final failure or the dialog timeout (<c>Edge:MaxCallSeconds</c>) — releasing its channel lease there and nowhere else.
/// </summary>
public sealed class DialogTable(DialogToken token, TimeProvider time, TimeSpan maxDuration, int maxDialogs)
{
    private readonly ConcurrentDictionary<string, Dialog> _dialogs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TransactionKey, Dialog> _byInvite = new();
    private int _count;

    public DialogToken Token => token;
    public int Count => Volatile.Read(ref _count);
    public int Capacity => maxDialogs;

    /// <summary>Raised after a dialog was confirmed (first 2xx) or ended, for write-behind and the call log.</summary>
    public event Action<Dialog>? Changed;

    /// <summary>
    /// The dialog timeout fired on a confirmed dialog: the subscriber sends both sides a BYE and ends the dialog when the
    /// callee's is answered, so the channel returns only once the carrier has let the call go. Without a subscriber, or if
    /// that takes longer than <see cref="HangupGrace"/>, the dialog ends at once.
    /// </summary>
    public event Action<Dialog>? TimedOut;

    /// <summary>How long the BYEs of a timed-out dialog may take (two non-INVITE transactions' Timer F) before it ends anyway.</summary>
    public static readonly TimeSpan HangupGrace = TimeSpan.FromSeconds(64);

    /// <returns>The new early dialog, or null when the table is full (the caller answers 503).</returns>
    public Dialog? TryCreate(DialogStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (Interlocked.Increment(ref _count) > maxDialogs)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }
        var id = DialogToken.NewId();
        var dialog = Build(id, start, time.GetUtcNow());
        dialog.InviteKey = start.InviteKey;
        _dialogs[id] = dialog;
        if (start.InviteKey is { } key)
        {
            _byInvite[key] = dialog;
        }
        Arm(dialog, maxDuration);
        return dialog;
    }

    /// <summary>
    /// A confirmed dialog read back after a restart, under its stored id (so its token still verifies) with its remaining
    /// time; counted even past the bound, since the call exists whether or not we have room.
    /// </summary>
    public Dialog Restore(string id, DialogStart start, DateTimeOffset expiresAt, IEnumerable<RestoredLeg> legs, DateTimeOffset? confirmedAt)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(legs);
        Interlocked.Increment(ref _count);
        var dialog = Build(id, start, start.Record?.SetupAt ?? time.GetUtcNow());
        foreach (var leg in legs)
        {
            dialog.RestoreLeg(leg.Tag, leg.Callee, confirmedAt, leg.Paths, start.CSeq, leg.CSeq);
        }
        _dialogs[id] = dialog;
        var left = expiresAt - time.GetUtcNow();
        Arm(dialog, left > TimeSpan.Zero ? left : TimeSpan.Zero);
        return dialog;
    }

    /// <summary>
    /// A dialog another node holds, read back from its row to relay one request: not kept here, not counted, no timer, no
    /// lease (its channel is charged on the node holding it).
    /// </summary>
    public Dialog Guest(string id, DialogStart start, IEnumerable<RestoredLeg> legs, DateTimeOffset? confirmedAt)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(legs);
        var dialog = Build(id, start, time.GetUtcNow());
        foreach (var leg in legs)
        {
            dialog.RestoreLeg(leg.Tag, leg.Callee, confirmedAt, leg.Paths, start.CSeq, leg.CSeq);
        }
        return dialog;
    }

    private Dialog Build(string id, DialogStart start, DateTimeOffset startedAt) =>
        new(id, token.Issue(id, start.CallId.Span), Encoding.ASCII.GetString(start.CallId.Span), start.CallerTag, start.Kind, start.Caller, startedAt)
        {
            Trunk = start.Trunk,
            Campaign = start.Campaign,
            Number = start.Number,
            Lease = start.Lease,
            Record = start.Record,
            InitialCSeq = start.CSeq,
        };

    private void Arm(Dialog dialog, TimeSpan due)
    {
        dialog.ExpiresAt = time.GetUtcNow() + due;
        dialog.Timer = time.CreateTimer(_ => Expire(dialog), null, due, Timeout.InfiniteTimeSpan);
    }

    private void Expire(Dialog dialog)
    {
        if (dialog.HangingUp || dialog.State != DialogState.Confirmed || TimedOut is not { } hangup)
        {
            End(dialog, DialogEnd.Timeout);
            return;
        }
        dialog.HangingUp = true;
        dialog.Timer?.Change(HangupGrace, Timeout.InfiniteTimeSpan);
        hangup(dialog);
    }

    public Dialog? Find(string id) => _dialogs.TryGetValue(id, out var dialog) ? dialog : null;

    /// <summary>The early dialog a CANCEL refers to (its INVITE's transaction key), or null.</summary>
    public Dialog? FindByInvite(TransactionKey inviteKey) => _byInvite.TryGetValue(inviteKey, out var dialog) ? dialog : null;

    public IReadOnlyList<Dialog> Live() => [.. _dialogs.Values];

    /// <summary>The dialog's first 2xx went through: store it so a restart keeps the call.</summary>
    public void Confirmed(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        Forget(dialog);
        Changed?.Invoke(dialog);
    }

    private void Forget(Dialog dialog)
    {
        if (dialog.InviteKey is { } key)
        {
            _byInvite.TryRemove(new KeyValuePair<TransactionKey, Dialog>(key, dialog));
        }
    }

    /// <summary>Ends the dialog once: its lease is released, its timer stopped, its record completed.</summary>
    /// <returns>True for the call that ended it.</returns>
    public bool End(Dialog dialog, DialogEnd why)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (!dialog.Terminate())
        {
            return false;
        }
        dialog.Timer?.Dispose();
        Forget(dialog);
        if (_dialogs.TryRemove(new KeyValuePair<string, Dialog>(dialog.Id, dialog)))
        {
            Interlocked.Decrement(ref _count);
        }
        if (dialog.Record is { } record && why != DialogEnd.Failed)
        {
            record.HangupSide = why switch
            {
                DialogEnd.CallerBye => "dialer",
                DialogEnd.CalleeBye => "carrier",
                DialogEnd.Cancelled => "cancel",
                DialogEnd.Timeout => "timeout",
                _ => record.HangupSide,
            };
        }
        dialog.Lease?.Release();
        Changed?.Invoke(dialog);
        return true;
    }
}
