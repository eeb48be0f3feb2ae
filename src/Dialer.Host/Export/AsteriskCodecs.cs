using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>Our codec names (SDP rtpmap encoding names) as Asterisk's `allow=` spells them.</summary>
public static class AsteriskCodecs
{
    /// <summary>
    /// The Asterisk names in order, without duplicates. telephone-event is no codec in Asterisk: RFC 4733 DTMF is the
    /// endpoint's dtmf_mode, so it is dropped here. An empty result falls back to our default codecs.
    /// </summary>
    public static IReadOnlyList<string> Allow(IEnumerable<string> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        var names = new List<string>();
        foreach (var codec in codecs)
        {
            if (Name(codec) is { } name && !names.Contains(name))
            {
                names.Add(name);
            }
        }
        return names.Count > 0 ? names : Allow(Codecs.Default);
    }

    private static string? Name(string codec) => Codecs.Canonical(codec) switch
    {
        "PCMU" => "ulaw",
        "PCMA" => "alaw",
        "G722" => "g722",
        "G729" => "g729",
        "opus" => "opus",
        _ => null,
    };
}
