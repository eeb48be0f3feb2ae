using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;

namespace Dialer.Edge.Dialogs;

/// <summary>
/// What a request the edge itself sends into a dialog towards one side needs (RFC 3261 §12.2.1.1): that side's remote
/// target (its Contact), the From and To it knows the dialog by, and the route set towards it. The edge uses it for the
/// BYEs it sends both sides when the dialog timeout (<c>Edge:MaxCallSeconds</c>) ends a call.
/// </summary>
public sealed record DialogPath(string Uri, string From, string To, IReadOnlyList<string> Route)
{
    /// <summary>
    /// Both paths of a leg, from the INVITE as the caller sent it and the 2xx as the callee answered it: towards the callee
    /// From/To are as the callee wrote them (a From the edge rewrote included); towards the caller the tags swap and the
    /// To is the caller's own From. Route sets are the Record-Routes on each side of ours (the one carrying
    /// <paramref name="token"/>).
    /// </summary>
    public static (DialogPath TowardsCaller, DialogPath TowardsCallee)? Of(SipMessage invite, SipMessage answer, string token)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(answer);
        if (ContactUri(invite) is not { } callerUri || ContactUri(answer) is not { } calleeUri
            || Header(invite, HeaderKind.From) is not { } callerFrom || Header(answer, HeaderKind.From) is not { } seenFrom
            || Header(answer, HeaderKind.To) is not { } calleeTo)
        {
            return null;
        }
        // The answer's Record-Routes: the callee's side above ours (nearest the callee first), the caller's side below.
        var routes = Elements(answer, HeaderKind.RecordRoute);
        var ours = routes.FindIndex(r => r.Contains(token, StringComparison.Ordinal));
        var calleeSide = ours < 0 ? [] : routes.GetRange(0, ours);
        calleeSide.Reverse();
        var callerSide = Elements(invite, HeaderKind.RecordRoute);
        return (new DialogPath(callerUri, calleeTo, callerFrom, callerSide), new DialogPath(calleeUri, seenFrom, calleeTo, calleeSide));
    }

    private static string? ContactUri(SipMessage message)
    {
        foreach (var element in message.Elements(HeaderKind.Contact))
        {
            return NameAddress.TryParse(message.Span, element, out var contact) && !contact.IsWildcard ? Text(message, contact.Uri) : null;
        }
        return null;
    }

    private static string? Header(SipMessage message, HeaderKind kind) =>
        message.IndexOf(kind) is var index and >= 0 ? Text(message, message.HeaderAt(index).Value) : null;

    private static List<string> Elements(SipMessage message, HeaderKind kind)
    {
        var list = new List<string>();
        foreach (var element in message.Elements(kind))
        {
            list.Add(Text(message, element));
        }
        return list;
    }

    /// <summary>One line of header text: folding and tabs become spaces, so a path can be stored tab-separated.</summary>
    private static string Text(SipMessage message, TextRange range) =>
        Encoding.UTF8.GetString(range.Of(message.Span)).Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
