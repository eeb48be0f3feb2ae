using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dialer.Sip.Sdp;

/// <summary>
/// Removes from an SDP offer (RFC 4566, RFC 3264 §5) the audio codecs a trunk does not allow: the payload
/// types leave the m= line, and their rtpmap, fmtp and rtcp-fb attributes go with them. The offerer's order
/// is kept. Non-audio streams pass unchanged. telephone-event (RFC 4733 DTMF) is not a codec and always stays beside
/// the codecs kept, whether the list names it or not, as Asterisk's allow= and Kamailio leave it: a call centre's IVR
/// and transfers need it. An audio stream left with only telephone-event, or nothing, means no common codec.
/// </summary>
public static class SdpCodecFilter
{
    private const string TelephoneEvent = "telephone-event";

    /// <param name="sdp">The offer.</param>
    /// <param name="allowed">Encoding names the trunk allows (case-insensitive), e.g. PCMU, PCMA, telephone-event.</param>
    /// <param name="output">Receives the filtered SDP, CRLF line endings.</param>
    public static SdpFilterResult Filter(ReadOnlySpan<byte> sdp, IReadOnlyCollection<string> allowed, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(output);
        var lines = Encoding.UTF8.GetString(sdp).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        if (lines.Count == 0 || !lines[0].StartsWith("v=", StringComparison.Ordinal))
        {
            return SdpFilterResult.Malformed;
        }
        var result = new List<string>(lines.Count);
        var start = 0;
        while (start < lines.Count)
        {
            var end = start + 1;
            while (end < lines.Count && !lines[end].StartsWith("m=", StringComparison.Ordinal))
            {
                end++;
            }
            var section = lines.GetRange(start, end - start);
            var filtered = section[0].StartsWith("m=audio ", StringComparison.Ordinal) ? FilterAudio(section, allowed) : section;
            if (filtered is null)
            {
                return section.Count > 0 && section[0].Split(' ').Length < 4 ? SdpFilterResult.Malformed : SdpFilterResult.NoCommonCodec;
            }
            result.AddRange(filtered);
            start = end;
        }
        var bytes = Encoding.UTF8.GetBytes(string.Join("\r\n", result) + "\r\n");
        output.Write(bytes);
        return SdpFilterResult.Filtered;
    }

    /// <returns>The section without disallowed payload types, or null when no audio codec is left (or m= is malformed).</returns>
    private static List<string>? FilterAudio(List<string> section, IReadOnlyCollection<string> allowed)
    {
        var parts = section[0].Split(' ');
        if (parts.Length < 4)
        {
            return null;
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in section)
        {
            if (line.StartsWith("a=rtpmap:", StringComparison.Ordinal))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (space > 9)
                {
                    names[line[9..space]] = line[(space + 1)..(slash > space ? slash : line.Length)];
                }
            }
        }
        var kept = new List<string>();
        var audio = 0;
        foreach (var format in parts.Skip(3))
        {
            var name = names.TryGetValue(format, out var mapped) ? mapped
                : int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) ? SdpCodecs.StaticName(pt) : null;
            var isEvent = string.Equals(name, TelephoneEvent, StringComparison.OrdinalIgnoreCase);
            if (name is not null && (isEvent || allowed.Contains(name, StringComparer.OrdinalIgnoreCase)))
            {
                kept.Add(format);
                audio += isEvent ? 0 : 1;
            }
        }
        if (audio == 0)
        {
            return null;
        }
        var result = new List<string>(section.Count) { string.Join(' ', parts.Take(3).Concat(kept)) };
        foreach (var line in section.Skip(1))
        {
            var payloadType = AttributePayloadType(line);
            if (payloadType is null or "*" || kept.Contains(payloadType))
            {
                result.Add(line);
            }
        }
        return result;
    }

    /// <summary>The payload type an attribute is about (rtpmap, fmtp, rtcp-fb), or null for other lines.</summary>
    private static string? AttributePayloadType(string line)
    {
        foreach (var prefix in (string[])["a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"])
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                var rest = line[prefix.Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                return space < 0 ? rest : rest[..space];
            }
        }
        return null;
    }
}
