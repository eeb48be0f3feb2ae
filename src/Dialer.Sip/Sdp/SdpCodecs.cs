namespace Dialer.Sip.Sdp;

/// <summary>Static RTP payload types (RFC 3551 §6) that an offer may use without an rtpmap line.</summary>
internal static class SdpCodecs
{
    public static string? StaticName(int payloadType) => payloadType switch
    {
        0 => "PCMU",
        3 => "GSM",
        4 => "G723",
        8 => "PCMA",
        9 => "G722",
        18 => "G729",
        _ => null,
    };
}
