using Dialer.Sip.Message;
using Dialer.Sip.Sdp;
using Dialer.Sip.Writing;

namespace Dialer.Edge.Calls;

/// <summary>
/// The SDP offer of an INVITE cut down to what every party on the path allows — the trunk's codecs, a calling phone's,
/// a called phone's — in the first list's order. None left: the caller gets 488 (RFC 3261 §13.3.1.1 style refusal).
/// </summary>
internal static class OfferFilter
{
    /// <returns>False when no codec is left; <paramref name="body"/> is the filtered SDP, or null to keep the INVITE's.</returns>
    public static bool TryFilter(SipMessage invite, out ReadOnlyMemory<byte>? body, params IReadOnlyList<string>?[] allowed)
    {
        ArgumentNullException.ThrowIfNull(invite);
        body = null;
        if (invite.Body.Length == 0 || invite.GetValue(HeaderKind.ContentType)?.StartsWith("application/sdp", StringComparison.OrdinalIgnoreCase) != true)
        {
            return true;
        }
        ReadOnlyMemory<byte> current = invite.Body.Of(invite.Span).ToArray();
        var changed = false;
        foreach (var codecs in allowed)
        {
            if (codecs is null || codecs.Count == 0)
            {
                continue;
            }
            using var filtered = new PooledBuffer(1024);
            var result = SdpCodecFilter.Filter(current.Span, [.. codecs], filtered);
            if (result == SdpFilterResult.NoCommonCodec)
            {
                return false;
            }
            if (result == SdpFilterResult.Filtered)
            {
                current = filtered.WrittenSpan.ToArray();
                changed = true;
            }
        }
        body = changed ? current : null;
        return true;
    }
}
