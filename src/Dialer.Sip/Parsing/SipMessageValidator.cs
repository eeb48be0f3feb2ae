using System.Globalization;
using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Uris;

namespace Dialer.Sip.Parsing;

/// <summary>
/// The checks an element makes before acting on a parsed message (RFC 3261 §8.1.1, §8.2.2, §16.3;
/// RFC 4475 §3.1.2, §3.3): mandatory headers once each, CSeq within 32 bits and matching the method,
/// From/To/Via/Contact well formed, Request-URI a valid URI without headers. A faulty request is
/// answered with <see cref="SipFault.StatusCode"/>; a faulty response is dropped.
/// </summary>
public static class SipMessageValidator
{
    private static readonly HeaderKind[] s_mandatory = [HeaderKind.Via, HeaderKind.From, HeaderKind.To, HeaderKind.CallId, HeaderKind.CSeq];
    private static readonly HeaderKind[] s_single = [HeaderKind.From, HeaderKind.To, HeaderKind.CallId, HeaderKind.CSeq, HeaderKind.MaxForwards, HeaderKind.ContentType];

    /// <summary>Checks the message and records the first fault on it (keeping a parser fault if there was one).</summary>
    public static SipFault Validate(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Fault.IsFault)
        {
            return message.Fault;
        }
        var fault = Check(message);
        if (fault.IsFault)
        {
            message.Flag(fault.Fault, fault.Header);
        }
        return message.Fault;
    }

    private static SipFault Check(SipMessage message)
    {
        foreach (var kind in s_mandatory)
        {
            if (message.IndexOf(kind) < 0)
            {
                return new SipFault(ParseFault.MissingHeader, kind);
            }
        }
        foreach (var kind in s_single)
        {
            if (message.IndexOf(kind) >= 0 && message.NextIndexOf(kind, message.IndexOf(kind)) >= 0)
            {
                return new SipFault(ParseFault.DuplicateHeader, kind);
            }
        }
        var span = message.Span;
        if (!message.TryGetCSeq(out var cseq))
        {
            return new SipFault(ParseFault.BadHeaderValue, HeaderKind.CSeq);
        }
        if (message.CallId.Length == 0)
        {
            return new SipFault(ParseFault.BadHeaderValue, HeaderKind.CallId);
        }
        if (message.MaxForwards == -2)
        {
            return new SipFault(ParseFault.BadHeaderValue, HeaderKind.MaxForwards);
        }
        foreach (var via in message.Elements(HeaderKind.Via))
        {
            if (!ViaHeader.TryParse(span, via, out _))
            {
                return new SipFault(ParseFault.BadHeaderValue, HeaderKind.Via);
            }
        }
        if (!IsAddress(message, HeaderKind.From))
        {
            return new SipFault(ParseFault.BadHeaderValue, HeaderKind.From);
        }
        if (!IsAddress(message, HeaderKind.To))
        {
            return new SipFault(ParseFault.BadHeaderValue, HeaderKind.To);
        }
        return message.IsRequest ? CheckRequest(message, cseq) : SipFault.None;
    }

    private static SipFault CheckRequest(SipMessage message, CSeqHeader cseq)
    {
        var span = message.Span;
        if (cseq.Method != message.Method || (cseq.Method == SipMethod.Extension && !cseq.MethodName.Of(span).SequenceEqual(message.MethodName.Of(span))))
        {
            return new SipFault(ParseFault.CSeqMethodMismatch, HeaderKind.CSeq);
        }
        // RFC 3261 §19.1.5: a Request-URI carries no headers (RFC 4475 §3.1.2.11).
        var uri = message.RequestUri.Of(span);
        if (!SipUri.TryParse(uri, out var requestUri) || requestUri.Headers.Count > 0)
        {
            return new SipFault(ParseFault.BadRequestUri);
        }
        foreach (var contact in message.Elements(HeaderKind.Contact))
        {
            if (!NameAddress.TryParse(span, contact, out var address) || !IsValidAddress(span, address))
            {
                return new SipFault(ParseFault.BadHeaderValue, HeaderKind.Contact);
            }
        }
        if (message.IndexOf(HeaderKind.Date) >= 0 && !IsHttpDate(message.GetValue(HeaderKind.Date)!))
        {
            return new SipFault(ParseFault.BadHeaderValue, HeaderKind.Date);
        }
        return message.Expires == -2 ? new SipFault(ParseFault.BadHeaderValue, HeaderKind.Expires) : SipFault.None;
    }

    private static bool IsAddress(SipMessage message, HeaderKind kind)
    {
        var index = message.IndexOf(kind);
        var span = message.Span;
        return NameAddress.TryParse(span, message.HeaderAt(index).Value, out var address) && !address.IsWildcard && IsValidAddress(span, address);
    }

    /// <summary>
    /// The URI must parse with no whitespace inside the brackets (RFC 4475 §3.1.2.14); in addr-spec form it may not
    /// hold ',', ';' or '?' (RFC 3261 §20.10); an unquoted display name is tokens and whitespace (§25.1).
    /// </summary>
    private static bool IsValidAddress(ReadOnlySpan<byte> span, NameAddress address)
    {
        if (address.IsWildcard)
        {
            return true;
        }
        var uri = address.Uri.Of(span);
        if (uri.Length == 0 || SipSyntax.IsLws(uri[0]) || SipSyntax.IsLws(uri[^1]))
        {
            return false;
        }
        var bracketed = address.Uri.Start > 0 && span[address.Uri.Start - 1] == '<';
        if (!bracketed && uri.IndexOfAny(",;?"u8) >= 0)
        {
            return false;
        }
        var display = address.DisplayName.Of(span);
        if (display.Length > 0 && display[0] != '"')
        {
            foreach (var b in display)
            {
                if (!SipSyntax.Token.Contains(b) && !SipSyntax.IsLws(b))
                {
                    return false;
                }
            }
        }
        var colon = uri.IndexOf((byte)':');
        // Other absolute URIs (mailto:, http:) are allowed in addresses; they only need a scheme.
        return colon > 0 && (!IsSipScheme(uri[..colon]) || SipUri.TryParse(uri, out _));
    }

    private static bool IsSipScheme(ReadOnlySpan<byte> scheme) =>
        Ascii.EqualsIgnoreCase(scheme, "sip"u8) || Ascii.EqualsIgnoreCase(scheme, "sips"u8) || Ascii.EqualsIgnoreCase(scheme, "tel"u8);

    /// <summary>RFC 3261 §20.17: rfc1123-date in GMT only (RFC 4475 §3.1.2.12).</summary>
    private static bool IsHttpDate(string value) =>
        value.EndsWith(" GMT", StringComparison.Ordinal)
        && DateTime.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _);
}
