using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dialer.Testing;

namespace Dialer.Host.Tests;

/// <summary>Raw SIP text for edge tests: a tiny UAS that answers everything, and a UAC's INVITE/ACK/BYE along the Record-Route.</summary>
public static class RawSip
{
    /// <summary>A UAS answer: INVITE gets 200 with a stable To tag, the Record-Route copied and a Contact at <paramref name="contact"/>; other requests but ACK get 200.</summary>
    public static string? Answer(string message, string contact)
    {
        if (message.StartsWith("SIP/2.0", StringComparison.Ordinal) || message.StartsWith("ACK ", StringComparison.Ordinal))
        {
            return null;
        }
        var isInvite = message.StartsWith("INVITE ", StringComparison.Ordinal);
        var builder = new StringBuilder("SIP/2.0 200 OK\r\n");
        foreach (var via in SipText.Headers(message, "Via"))
        {
            builder.Append("Via: ").Append(via).Append("\r\n");
        }
        if (isInvite)
        {
            foreach (var route in SipText.Headers(message, "Record-Route"))
            {
                builder.Append("Record-Route: ").Append(route).Append("\r\n");
            }
        }
        var to = SipText.Header(message, "To")!;
        var callId = SipText.Header(message, "Call-ID")!;
        if (isInvite && SipText.Tag(to).Length == 0)
        {
            // The same tag for a retransmission: a hash of the Call-ID and the caller's tag.
            var tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(callId + SipText.Tag(SipText.Header(message, "From")!))))[..10];
            to += ";tag=" + tag;
        }
        builder.Append("From: ").Append(SipText.Header(message, "From")).Append("\r\n")
            .Append("To: ").Append(to).Append("\r\n")
            .Append("Call-ID: ").Append(callId).Append("\r\n")
            .Append("CSeq: ").Append(SipText.Header(message, "CSeq")).Append("\r\n");
        if (isInvite)
        {
            builder.Append("Contact: <sip:uas@").Append(contact).Append(">\r\n");
        }
        return builder.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    public static string Branch() => "z9hG4bK" + Guid.NewGuid().ToString("N");

    /// <summary>An INVITE from <paramref name="peer"/> to the edge for <paramref name="number"/>, with extra header lines.</summary>
    public static string Invite(UdpPeer peer, int edgePort, string number, string callId, string fromTag, int cseq = 1, params string[] extra)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var lines = string.Concat(extra.Select(e => e + "\r\n"));
        return $"INVITE sip:{number}@127.0.0.1:{edgePort} SIP/2.0\r\nVia: SIP/2.0/UDP {peer.HostPort};branch={Branch()};rport\r\nMax-Forwards: 70\r\n" +
            $"From: <sip:8005550100@{peer.Local.Address}>;tag={fromTag}\r\nTo: <sip:{number}@127.0.0.1>\r\nCall-ID: {callId}\r\n" +
            $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} INVITE\r\nContact: <sip:caller@{peer.HostPort}>\r\n{lines}Content-Length: 0\r\n\r\n";
    }

    /// <summary>An in-dialog request from the caller's side of <paramref name="ok"/> (the 200 to its INVITE): Route from its Record-Route, R-URI its Contact.</summary>
    public static string InDialog(string method, UdpPeer from, string ok, int cseq, string? route = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(ok);
        var contact = SipText.Header(ok, "Contact")!.Trim('<', '>');
        route ??= SipText.Header(ok, "Record-Route")!;
        return $"{method} {contact} SIP/2.0\r\nVia: SIP/2.0/UDP {from.HostPort};branch={Branch()};rport\r\nMax-Forwards: 70\r\nRoute: {route}\r\n" +
            $"From: {SipText.Header(ok, "From")}\r\nTo: {SipText.Header(ok, "To")}\r\nCall-ID: {SipText.Header(ok, "Call-ID")}\r\n" +
            $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} {method}\r\nContent-Length: 0\r\n\r\n";
    }

    /// <summary>The same BYE as the callee would send it: From and To swapped, Route from the INVITE's Record-Route, to the caller's Contact.</summary>
    public static string ByeFromCallee(UdpPeer from, string invite, string ok, int cseq)
    {
        ArgumentNullException.ThrowIfNull(from);
        var contact = SipText.Header(invite, "Contact")!.Trim('<', '>');
        return $"BYE {contact} SIP/2.0\r\nVia: SIP/2.0/UDP {from.HostPort};branch={Branch()};rport\r\nMax-Forwards: 70\r\n" +
            $"Route: {SipText.Header(invite, "Record-Route")}\r\nFrom: {SipText.Header(ok, "To")}\r\nTo: {SipText.Header(ok, "From")}\r\n" +
            $"Call-ID: {SipText.Header(ok, "Call-ID")}\r\nCSeq: {cseq.ToString(CultureInfo.InvariantCulture)} BYE\r\nContent-Length: 0\r\n\r\n";
    }
}
