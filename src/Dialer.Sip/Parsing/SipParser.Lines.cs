using System.Text;
using Dialer.Sip.Message;

namespace Dialer.Sip.Parsing;

public static partial class SipParser
{
    /// <returns>False when the line is not a SIP start line at all (nothing to answer).</returns>
    private static bool ParseStartLine(ReadOnlySpan<byte> span, int start, int end, SipMessage message)
    {
        var line = span[start..end];
        if (line.ContainsAny(SipSyntax.Forbidden))
        {
            message.IsRequest = !line.StartsWith("SIP/"u8);
            message.Flag(message.IsRequest ? ParseFault.ControlCharacter : ParseFault.BadStatusLine);
            return message.IsRequest;
        }
        if (line.Length >= 4 && Ascii.EqualsIgnoreCase(line[..4], "SIP/"u8))
        {
            return ParseStatusLine(line, start, message);
        }
        message.IsRequest = true;
        ParseRequestLine(line, start, message);
        return true;
    }

    /// <summary>RFC 3261 §7.1: Method SP Request-URI SP SIP-Version, single spaces.</summary>
    private static void ParseRequestLine(ReadOnlySpan<byte> line, int start, SipMessage message)
    {
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || line.IndexOf((byte)'\t') >= 0)
        {
            message.Flag(ParseFault.BadStartLine);
            return;
        }
        var method = line[..firstSpace];
        message.MethodName = new TextRange(start, firstSpace);
        message.Method = SipMethods.Lookup(method);
        if (!SipSyntax.IsToken(method))
        {
            message.Flag(ParseFault.BadMethod);
        }
        var uri = line[(firstSpace + 1)..lastSpace];
        message.RequestUri = new TextRange(start + firstSpace + 1, uri.Length);
        if (uri.IndexOf((byte)' ') >= 0)
        {
            // Whitespace inside the Request-URI, or doubled separators (RFC 4475 §3.1.2.11, §3.1.2.12).
            message.Flag(ParseFault.BadStartLine);
        }
        var version = line[(lastSpace + 1)..];
        var versionFault = CheckVersion(version);
        if (versionFault != ParseFault.None)
        {
            message.Flag(versionFault);
        }
        var colon = uri.IndexOf((byte)':');
        if (colon <= 0 || !IsScheme(uri[..colon]))
        {
            message.Flag(ParseFault.BadRequestUri);
        }
        else if (!IsSupportedScheme(uri[..colon]))
        {
            message.Flag(ParseFault.UnsupportedUriScheme);
        }
    }

    /// <summary>RFC 3261 §7.2: SIP-Version SP Status-Code SP Reason-Phrase. Anything off drops the response.</summary>
    private static bool ParseStatusLine(ReadOnlySpan<byte> line, int start, SipMessage message)
    {
        message.IsRequest = false;
        if (line.Length < 11 || CheckVersion(line[..7]) != ParseFault.None || line[7] != ' ' || line[11..].Length > 0 && line[11] != ' '
            || !SipSyntax.TryDigits(line.Slice(8, 3), 699, out var code) || code < 100)
        {
            message.Flag(ParseFault.BadStatusLine);
            return false;
        }
        message.StatusCode = (int)code;
        message.Reason = line.Length > 12 ? new TextRange(start + 12, line.Length - 12) : new TextRange(start + line.Length, 0);
        return true;
    }

    private static ParseFault CheckVersion(ReadOnlySpan<byte> version)
    {
        if (Ascii.EqualsIgnoreCase(version, "SIP/2.0"u8))
        {
            return ParseFault.None;
        }
        // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT: well formed but not 2.0 is 505, anything else 400.
        if (version.Length >= 7 && Ascii.EqualsIgnoreCase(version[..4], "SIP/"u8))
        {
            var rest = version[4..];
            var dot = rest.IndexOf((byte)'.');
            if (dot > 0 && SipSyntax.TryDigits(rest[..dot], 999, out _) && SipSyntax.TryDigits(rest[(dot + 1)..], 999, out _))
            {
                return ParseFault.BadVersion;
            }
        }
        return ParseFault.BadStartLine;
    }

    private static bool IsScheme(ReadOnlySpan<byte> scheme)
    {
        // RFC 3986 scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        if (!char.IsAsciiLetter((char)scheme[0]))
        {
            return false;
        }
        foreach (var b in scheme)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b is not ((byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsSupportedScheme(ReadOnlySpan<byte> scheme) =>
        Ascii.EqualsIgnoreCase(scheme, "sip"u8) || Ascii.EqualsIgnoreCase(scheme, "sips"u8) || Ascii.EqualsIgnoreCase(scheme, "tel"u8);

    /// <returns>Where the body starts; -1 when the blank line is missing, -2 when the headers pass the limit.</returns>
    private static int ParseHeaders(ReadOnlySpan<byte> span, int position, SipMessage message)
    {
        while (position < span.Length)
        {
            if (position - message.Start > MaxHeaderBytes)
            {
                return -2;
            }
            var lineLength = span[position..].IndexOf((byte)'\n');
            if (lineLength < 0)
            {
                return -1;
            }
            var end = position + ContentEnd(span.Slice(position, lineLength));
            var next = position + lineLength + 1;
            if (end == position)
            {
                return next;
            }
            ParseHeaderLine(span, position, end, message);
            position = next;
        }
        return -1;
    }

    private static void ParseHeaderLine(ReadOnlySpan<byte> span, int start, int end, SipMessage message)
    {
        var line = span[start..end];
        if (line.ContainsAny(SipSyntax.Forbidden) && HasBareControl(line))
        {
            message.Flag(ParseFault.ControlCharacter);
            return;
        }
        if (SipSyntax.IsWhitespace(line[0]))
        {
            // RFC 3261 §7.3.1: a line starting with whitespace continues the previous header's value.
            if (message.HeaderCount == 0)
            {
                message.Flag(ParseFault.BadHeaderLine);
                return;
            }
            message.ExtendLastHeader(start + TrimEnd(line));
            return;
        }
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            message.Flag(ParseFault.BadHeaderLine);
            return;
        }
        var nameLength = TrimEnd(line[..colon]);
        var name = line[..nameLength];
        if (!SipSyntax.IsToken(name))
        {
            message.Flag(ParseFault.BadHeaderName);
            return;
        }
        var valueStart = colon + 1;
        while (valueStart < line.Length && SipSyntax.IsWhitespace(line[valueStart]))
        {
            valueStart++;
        }
        var valueEnd = valueStart + TrimEnd(line[valueStart..]);
        var kind = HeaderNames.Lookup(name);
        var field = new HeaderField(kind, new TextRange(start, nameLength), new TextRange(start + valueStart, valueEnd - valueStart));
        if (!message.AddHeader(field))
        {
            message.Flag(ParseFault.TooManyHeaders);
            return;
        }
        if (kind == HeaderKind.ContentLength)
        {
            ReadContentLength(line[valueStart..valueEnd], message);
        }
    }

    private static void ReadContentLength(ReadOnlySpan<byte> value, SipMessage message)
    {
        if (!SipSyntax.TryDigits(value, int.MaxValue, out var length))
        {
            message.Flag(ParseFault.BadContentLength, HeaderKind.ContentLength);
            return;
        }
        if (message.ContentLength >= 0 && message.ContentLength != length)
        {
            message.Flag(ParseFault.DuplicateHeader, HeaderKind.ContentLength);
            return;
        }
        message.ContentLength = (int)length;
    }

    /// <summary>
    /// Control characters are allowed only as a quoted-pair inside a quoted string (RFC 3261 §25.1:
    /// quoted-pair = "\\" (%x00-09 / %x0B-0C / %x0E-7F), RFC 4475 §3.1.1.2); CR and LF never.
    /// </summary>
    private static bool HasBareControl(ReadOnlySpan<byte> line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (quoted && b == '\\' && i + 1 < line.Length && line[i + 1] is not ((byte)'\r' or (byte)'\n'))
            {
                i++;
                continue;
            }
            if (b == '"')
            {
                quoted = !quoted;
            }
            else if (SipSyntax.Forbidden.Contains(b))
            {
                return true;
            }
        }
        return false;
    }

    private static int TrimEnd(ReadOnlySpan<byte> text)
    {
        var end = text.Length;
        while (end > 0 && SipSyntax.IsWhitespace(text[end - 1]))
        {
            end--;
        }
        return end;
    }
}
