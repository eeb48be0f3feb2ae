using System.Text;
using Dialer.Peers.Model;
using Dialer.Sip.Message;
using Dialer.Sip.Uris;

namespace Dialer.Edge.Calls;

/// <summary>
/// From, P-Asserted-Identity and Remote-Party-ID for a call to a carrier. X-Dialer-* and whatever identity the caller
/// wrote never leave the edge: a dialer's From user is kept as its caller number, a phone's is replaced by its peer's
/// callerId (its extension when empty), so a phone cannot choose what number the carrier sees.
/// </summary>
internal static class CallerIdentity
{
    public static (IReadOnlyCollection<string> Removed, IReadOnlyList<string> Added) For(SipMessage invite, Trunk trunk, string serverHost, Phone? phone)
    {
        var removed = new List<string> { "X-Dialer-Trunk", "X-Dialer-Campaign", "P-Asserted-Identity", "Remote-Party-ID", "P-Preferred-Identity" };
        var added = new List<string>();
        var span = invite.Span;
        // The validator has checked From already; an unreadable one just leaves the identity anonymous.
        var hasFrom = invite.TryGetFrom(out var from);
        var fromUri = hasFrom && SipUri.TryParse(from.Uri.Of(span), out var parsed) ? parsed : null;
        var phoneNumber = phone is null ? null : phone.CallerId.Length > 0 ? phone.CallerId : phone.Extension;
        var user = trunk.FromUser.Length > 0 ? trunk.FromUser : phoneNumber ?? fromUri?.User ?? "anonymous";
        var domain = trunk.FromDomain.Length > 0 ? trunk.FromDomain : serverHost;
        if (trunk.FromUser.Length > 0 || trunk.FromDomain.Length > 0 || phone is not null)
        {
            removed.Add("From");
            var tag = hasFrom ? Encoding.UTF8.GetString(from.Tag(span).Of(span)) : "";
            // A phone's display name is its own words: keep it only for dialers, whose From is theirs to set.
            var display = phone is not null || from.DisplayName.IsEmpty ? "" : Encoding.UTF8.GetString(from.DisplayName.Of(span)) + " ";
            added.Add($"From: {display}<sip:{user}@{domain}>;tag={tag}");
        }
        var callerNumber = phoneNumber ?? fromUri?.User ?? user;
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
