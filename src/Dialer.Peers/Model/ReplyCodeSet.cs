using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Dialer.Peers.Model;

/// <summary>
/// A set of SIP reply codes written as "200-499" or "200,403,404" (cf. Kamailio's ds_ping_reply_codes):
/// which answers to an OPTIONS probe count as alive.
/// </summary>
public sealed class ReplyCodeSet
{
    private readonly (int Low, int High)[] _ranges;

    private ReplyCodeSet((int Low, int High)[] ranges, string text)
    {
        _ranges = ranges;
        Text = text;
    }

    /// <summary>The normalized text: no spaces, ranges as written.</summary>
    public string Text { get; }

    public bool Contains(int code) => _ranges.Any(range => code >= range.Low && code <= range.High);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ReplyCodeSet? set)
    {
        set = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 200)
        {
            return false;
        }
        var parts = text.Replace(" ", "", StringComparison.Ordinal).Split(',');
        var ranges = new List<(int, int)>();
        foreach (var part in parts)
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var lowText = dash < 0 ? part : part[..dash];
            var highText = dash < 0 ? part : part[(dash + 1)..];
            if (!TryCode(lowText, out var low) || !TryCode(highText, out var high) || low > high)
            {
                return false;
            }
            ranges.Add((low, high));
        }
        set = new ReplyCodeSet([.. ranges], string.Join(',', parts));
        return true;
    }

    public override string ToString() => Text;

    private static bool TryCode(string text, out int code) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= 100 and <= 699;
}
