namespace Dialer.Peers.Model;

/// <summary>The codecs a phone or trunk may allow, spelled as in SDP rtpmap encoding names.</summary>
public static class Codecs
{
    public static readonly IReadOnlyList<string> Known = ["PCMU", "PCMA", "G722", "G729", "opus", "telephone-event"];

    public static readonly IReadOnlyList<string> Default = ["PCMU", "PCMA"];

    /// <summary>Maps any casing ("pcmu", "OPUS") to the canonical spelling; null when unknown.</summary>
    public static string? Canonical(string name)
    {
        foreach (var known in Known)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }
        return null;
    }
}
