using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Headers;

/// <summary>
/// ( name-addr / addr-spec ) *( SEMI param ) as in From, To, Contact, Route, Record-Route,
/// P-Asserted-Identity (RFC 3261 §20). In addr-spec form a ';' starts header parameters, not URI ones.
/// </summary>
public readonly record struct NameAddress(TextRange DisplayName, TextRange Uri, TextRange Parameters, bool IsWildcard)
{
    public bool TryGetParameter(ReadOnlySpan<byte> buffer, ReadOnlySpan<byte> name, out SipParameter parameter) =>
        ParameterReader.TryFind(buffer, Parameters, name, out parameter);

    /// <summary>The tag parameter (RFC 3261 §19.3); empty when absent.</summary>
    public TextRange Tag(ReadOnlySpan<byte> buffer) => TryGetParameter(buffer, "tag"u8, out var tag) ? tag.Value : default;

    /// <summary>The display name without quotes and escapes.</summary>
    public string DisplayText(ReadOnlySpan<byte> buffer)
    {
        var raw = DisplayName.Of(buffer);
        if (raw.Length < 2 || raw[0] != '"')
        {
            return Encoding.UTF8.GetString(raw);
        }
        var inner = raw[1..^1];
        var unescaped = new byte[inner.Length];
        var length = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            // quoted-pair = "\\" (%x00-09 / %x0B-0C / %x0E-7F): keep the escaped byte itself.
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }
            unescaped[length++] = inner[i];
        }
        return Encoding.UTF8.GetString(unescaped, 0, length);
    }

    /// <param name="buffer">The message buffer.</param>
    /// <param name="element">One comma-separated element (or the whole value of From/To).</param>
    /// <param name="address">The parsed address.</param>
    public static bool TryParse(ReadOnlySpan<byte> buffer, TextRange element, out NameAddress address)
    {
        address = default;
        var text = element.Of(buffer);
        var p = HeaderText.SkipLws(text, 0);
        if (p < text.Length && text[p] == '*')
        {
            var rest = HeaderText.SkipLws(text, p + 1);
            address = new NameAddress(default, new TextRange(element.Start + p, 1), new TextRange(element.Start + rest, text.Length - rest), true);
            return rest == text.Length || text[rest] == ';';
        }
        var display = default(TextRange);
        var laquot = -1;
        if (p < text.Length && text[p] == '"')
        {
            var end = HeaderText.QuotedEnd(text, p);
            if (end < 0)
            {
                return false;
            }
            display = new TextRange(element.Start + p, end - p);
            laquot = HeaderText.SkipLws(text, end);
            if (laquot >= text.Length || text[laquot] != '<')
            {
                return false;
            }
        }
        else
        {
            var lt = text[p..].IndexOf((byte)'<');
            var semi = text[p..].IndexOf((byte)';');
            if (lt >= 0 && (semi < 0 || lt < semi))
            {
                laquot = p + lt;
                var name = SipSyntax.TrimLws(text[p..laquot]);
                display = name.Length == 0 ? default : new TextRange(element.Start + p, name.Length);
            }
        }
        if (laquot >= 0)
        {
            var close = text[laquot..].IndexOf((byte)'>');
            if (close < 0)
            {
                return false;
            }
            var uriStart = laquot + 1;
            var uriEnd = laquot + close;
            var after = HeaderText.SkipLws(text, uriEnd + 1);
            address = new NameAddress(display, new TextRange(element.Start + uriStart, uriEnd - uriStart),
                new TextRange(element.Start + after, text.Length - after), false);
            return uriEnd > uriStart && (after == text.Length || text[after] == ';');
        }
        // addr-spec: the URI runs to the first ';' or whitespace.
        var specEnd = p;
        while (specEnd < text.Length && text[specEnd] is not ((byte)';' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            specEnd++;
        }
        var paramsStart = HeaderText.SkipLws(text, specEnd);
        address = new NameAddress(default, new TextRange(element.Start + p, specEnd - p),
            new TextRange(element.Start + paramsStart, text.Length - paramsStart), false);
        return specEnd > p && text[p..specEnd].IndexOf((byte)':') > 0 && (paramsStart == text.Length || text[paramsStart] == ';');
    }
}
