namespace Dialer.Sip.Sdp;

public enum SdpFilterResult
{
    /// <summary>The filtered SDP was written.</summary>
    Filtered,
    /// <summary>An audio stream kept no allowed codec: answer 488 Not Acceptable Here (RFC 3261 §21.4.26).</summary>
    NoCommonCodec,
    /// <summary>The body is not SDP this filter understands (no v= line, bad m= line): answer 400 or pass as is.</summary>
    Malformed,
}
