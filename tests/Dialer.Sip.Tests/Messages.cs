using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Tests;

/// <summary>Builds test messages from readable text: "\n" becomes CRLF, as on the wire.</summary>
internal static class Messages
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));

    public static SipMessage Parse(string text, SipFraming framing = SipFraming.Datagram) => Parse(Bytes(text), framing, out _);

    public static SipMessage Parse(byte[] bytes, SipFraming framing, out ParseStatus status)
    {
        var message = new SipMessage();
        status = SipParser.Parse(bytes, framing, message, out _);
        return message;
    }

    public const string Invite = """
        INVITE sip:15551234567@edge.example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport
        Max-Forwards: 70
        To: <sip:15551234567@edge.example.com>
        From: "Dialer 1" <sip:dialer@192.0.2.10>;tag=1928301774
        Call-ID: a84b4c76e66710@192.0.2.10
        CSeq: 314159 INVITE
        Contact: <sip:dialer@192.0.2.10:5060>
        X-Dialer-Campaign: demo
        Content-Type: application/sdp
        Content-Length: 154

        v=0
        o=dialer 2890844526 2890844526 IN IP4 192.0.2.10
        s=-
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 49170 RTP/AVP 0 8 101
        a=rtpmap:101 telephone-event/8000

        """;
}
