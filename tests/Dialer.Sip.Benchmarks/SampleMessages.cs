namespace Dialer.Sip.Benchmarks;

/// <summary>What a dialer's INVITE and a carrier's 200 OK typically look like on the wire.</summary>
internal static class SampleMessages
{
    public static readonly string Invite = WithContentLength("""
        INVITE sip:15551234567@203.0.113.10:5060 SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---77ba22f1e1d5a3b2;rport
        Max-Forwards: 70
        Contact: <sip:dialer@192.0.2.10:5060;transport=udp>
        To: <sip:15551234567@203.0.113.10:5060>
        From: "Campaign Demo" <sip:8005550100@192.0.2.10:5060>;tag=3b2e7a1c
        Call-ID: 8f4c2a9e1b7d4e6f0a3c5b8d2e1f4a7c@192.0.2.10
        CSeq: 102 INVITE
        Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK
        Supported: replaces, timer
        User-Agent: Dialer/1.0
        X-Dialer-Campaign: demo
        Content-Type: application/sdp
        Content-Length: {0}

        v=0
        o=dialer 1700000000 1700000000 IN IP4 192.0.2.10
        s=Dialer
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 16384 RTP/AVP 0 8 9 18 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:9 G722/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=maxptime:150
        a=sendrecv

        """);

    public static readonly string Ok = Crlf("""
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---77ba22f1e1d5a3b2;rport=5060;received=192.0.2.10
        Record-Route: <sip:203.0.113.10;lr>
        Contact: <sip:15551234567@203.0.113.10:5060>
        To: <sip:15551234567@203.0.113.10:5060>;tag=as4f1e2d3c
        From: "Campaign Demo" <sip:8005550100@192.0.2.10:5060>;tag=3b2e7a1c
        Call-ID: 8f4c2a9e1b7d4e6f0a3c5b8d2e1f4a7c@192.0.2.10
        CSeq: 102 INVITE
        Server: Carrier SBC
        Content-Length: 0


        """);

    private static string Crlf(string text) => text.ReplaceLineEndings("\r\n");

    private static string WithContentLength(string template)
    {
        var text = Crlf(template);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        return text.Replace("{0}", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
