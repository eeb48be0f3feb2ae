using Dialer.Sip.Parsing;

namespace Dialer.Sip.Headers;

/// <summary>Scanning helpers over raw header values, where folded CR/LF count as whitespace.</summary>
internal static class HeaderText
{
    /// <summary>
    /// The end of the comma-separated element starting at <paramref name="start"/>: the next comma outside
    /// quoted strings and angle brackets (RFC 3261 §7.3.1), or the end of the value.
    /// </summary>
    public static int ElementEnd(ReadOnlySpan<byte> value, int start)
    {
        // Fast path: no quote or bracket before the next comma (most Via, Route and Contact values).
        var special = value[start..].IndexOfAny((byte)',', (byte)'"', (byte)'<');
        if (special < 0)
        {
            return value.Length;
        }
        if (value[start + special] == ',')
        {
            return start + special;
        }
        var quoted = false;
        var angle = false;
        for (var i = start; i < value.Length; i++)
        {
            var b = value[i];
            if (quoted)
            {
                if (b == '\\')
                {
                    i++;
                }
                else if (b == '"')
                {
                    quoted = false;
                }
                continue;
            }
            switch (b)
            {
                case (byte)'"':
                    quoted = true;
                    break;
                case (byte)'<':
                    angle = true;
                    break;
                case (byte)'>':
                    angle = false;
                    break;
                case (byte)',' when !angle:
                    return i;
            }
        }
        return value.Length;
    }

    public static int SkipLws(ReadOnlySpan<byte> text, int position)
    {
        while (position < text.Length && SipSyntax.IsLws(text[position]))
        {
            position++;
        }
        return position;
    }

    /// <returns>Index just past the closing quote of the quoted string at <paramref name="position"/>, or -1.</returns>
    public static int QuotedEnd(ReadOnlySpan<byte> text, int position)
    {
        for (var i = position + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i + 1;
            }
        }
        return -1;
    }
}
