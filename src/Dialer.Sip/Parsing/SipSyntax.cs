using System.Buffers;

namespace Dialer.Sip.Parsing;

/// <summary>Character classes of the RFC 3261 §25.1 grammar, as vectorizable sets.</summary>
internal static class SipSyntax
{
    /// <summary>token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~").</summary>
    public static readonly SearchValues<byte> Token = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~"u8);

    /// <summary>Characters of a host name or IPv4 address (RFC 3261 §25.1 hostname / IPv4address).</summary>
    public static readonly SearchValues<byte> HostChar = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._"u8);

    /// <summary>What ends an unquoted parameter value.</summary>
    public static readonly SearchValues<byte> ParameterValueEnd = SearchValues.Create(";, \t\r\n"u8);

    /// <summary>Control characters no header or start line may hold (HT is allowed as whitespace).</summary>
    public static readonly SearchValues<byte> Forbidden = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    public static bool IsToken(ReadOnlySpan<byte> text) => text.Length > 0 && !text.ContainsAnyExcept(Token);

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>Whitespace including the CR/LF of folded lines, which count as LWS inside a raw value.</summary>
    public static bool IsLws(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    public static ReadOnlySpan<byte> TrimLws(ReadOnlySpan<byte> text)
    {
        var start = 0;
        while (start < text.Length && IsLws(text[start]))
        {
            start++;
        }
        var end = text.Length;
        while (end > start && IsLws(text[end - 1]))
        {
            end--;
        }
        return text[start..end];
    }

    /// <summary>Parses 1*DIGIT into a non-negative number no larger than <paramref name="max"/>.</summary>
    public static bool TryDigits(ReadOnlySpan<byte> text, long max, out long value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 19)
        {
            return false;
        }
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = (value * 10) + (b - '0');
            if (value > max)
            {
                return false;
            }
        }
        return true;
    }
}
