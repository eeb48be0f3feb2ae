using System.Text;
using Dialer.Edge.Core;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Dialogs;

/// <summary>An in-dialog request that may be relayed: its dialog, the side that sent it and the leg it is on.</summary>
public readonly record struct DialogRoute(Dialog Dialog, DialogSide From, DialogLeg Leg)
{
    /// <summary>Where the request goes: the other side's target.</summary>
    public SipEndpoint Destination => From == DialogSide.Caller ? Leg.Party.Target : Dialog.Caller.Target;
}

public enum RouteVerdict
{
    /// <summary>The top Route does not name the edge: not an in-dialog request for us.</summary>
    NotRouted,
    /// <summary>Token, dialog, tags and source all check out.</summary>
    Relay,
    /// <summary>A token that does not verify, or a request from neither side of the dialog: 403.</summary>
    Forbidden,
    /// <summary>A genuine token of a dialog that is over or whose tags do not match: 481.</summary>
    UnknownDialog,
    /// <summary>A genuine token of a dialog this node does not hold: clustered, another node may (it is looked up).</summary>
    Elsewhere,
}

/// <summary>
/// Decides whether a request whose Route names the edge may be relayed (docs/architecture.md "Dialogs"): only when the
/// Route carries a dialog token that verifies for its Call-ID, the dialog is live, the tags name one of its legs, and the
/// request comes from the side those tags say sent it. Nothing else in the edge relays in-dialog requests.
/// </summary>
public sealed class DialogGuard(EdgeAddresses addresses, DialogTable dialogs, bool clustered = false)
{
    public RouteVerdict Check(SipMessage request, SipEndpoint source, out DialogRoute route) => Check(request, source, out route, out _);

    /// <param name="request">The request whose top Route may name us.</param>
    /// <param name="source">Where it came from.</param>
    /// <param name="route">The dialog, side and leg when the verdict is <see cref="RouteVerdict.Relay"/>.</param>
    /// <param name="dialogId">The verified dialog id when the verdict is <see cref="RouteVerdict.Elsewhere"/>.</param>
    public RouteVerdict Check(SipMessage request, SipEndpoint source, out DialogRoute route, out string dialogId)
    {
        ArgumentNullException.ThrowIfNull(request);
        route = default;
        dialogId = "";
        if (addresses.TopRoute(request) is not { } ours)
        {
            return RouteVerdict.NotRouted;
        }
        if (!dialogs.Token.TryVerify(ours.Parameter(DialogToken.Parameter), request.CallId, out var id))
        {
            return RouteVerdict.Forbidden;
        }
        if (dialogs.Find(id) is not { } dialog)
        {
            dialogId = id;
            return clustered ? RouteVerdict.Elsewhere : RouteVerdict.UnknownDialog;
        }
        return CheckParties(request, source, dialog, out route);
    }

    /// <summary>The checks past the token, for a dialog found here or read back from another node's row.</summary>
    public static RouteVerdict CheckParties(SipMessage request, SipEndpoint source, Dialog dialog, out DialogRoute route)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dialog);
        route = default;
        if (!request.TryGetFrom(out var from) || !request.TryGetTo(out var to))
        {
            return RouteVerdict.UnknownDialog;
        }
        var span = request.Span;
        var fromTag = Encoding.UTF8.GetString(from.Tag(span).Of(span));
        var toTag = Encoding.UTF8.GetString(to.Tag(span).Of(span));
        if (dialog.Direction(fromTag, toTag) is not { } direction)
        {
            return RouteVerdict.UnknownDialog;
        }
        if (!dialog.IsFrom(direction.Side, direction.Leg, source))
        {
            return RouteVerdict.Forbidden;
        }
        route = new DialogRoute(dialog, direction.Side, direction.Leg);
        return RouteVerdict.Relay;
    }
}
