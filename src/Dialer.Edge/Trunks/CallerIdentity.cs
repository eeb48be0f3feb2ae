using System.Text;
using Dialer.Peers.Model;
using Dialer.Sip.Message;
using Dialer.Sip.Uris;

namespace Dialer.Edge.Trunks;

/// <summary>From, P-Asserted-Identity and Remote-Party-ID for a call to a carrier; X-Dialer-* never leave the edge.</summary>
internal static class CallerIdentity
{
    public static (IReadOnlyCollection<string> Removed, IReadOnlyList<string> Added) For(SipMessage invite, Trunk trunk, string serverHost)
    {
        var removed = new List<string> { "X-Dialer-Trunk", "X-Dialer-Campaign", "P-Asserted-Identity", "Remote-Party-ID" };
        var added = new List<string>();
        var span = invite.Span;
        // The validator has checked From already; an unreadable one just leaves the identity anonymous.
        var fromUri = invite.TryGetFrom(out var from) && SipUri.TryParse(from.Uri.Of(span), out var parsed) ? parsed : null;
        var user = trunk.FromUser.Length > 0 ? trunk.FromUser : fromUri?.User ?? "anonymous";
        var domain = trunk.FromDomain.Length > 0 ? trunk.FromDomain : serverHost;
        if (trunk.FromUser.Length > 0 || trunk.FromDomain.Length > 0)
        {
            removed.Add("From");
            var tag = Encoding.UTF8.GetString(from.Tag(span).Of(span));
            var display = from.DisplayName.IsEmpty ? "" : Encoding.UTF8.GetString(from.DisplayName.Of(span)) + " ";
            added.Add($"From: {display}<sip:{user}@{domain}>;tag={tag}");
        }
        var callerNumber = fromUri?.User ?? user;
        switch (trunk.CallOriginHeader)
        {
            case CallOriginHeader.Pai:
                added.Add($"P-Asserted-Identity: <sip:{callerNumber}@{domain}>");
                break;
            case CallOriginHeader.Rpid:
                added.Add($"Remote-Party-ID: <sip:{callerNumber}@{domain}>;party=calling;screen=yes;privacy=off");
                break;
        }
        return (removed, added);
    }
}
