using Dialer.Sip.Headers;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Message;

/// <summary>Typed access to the headers every SIP element needs; each parses its header on demand.</summary>
public sealed partial class SipMessage
{
    /// <summary>The Call-ID value without surrounding whitespace; empty when absent.</summary>
    public ReadOnlySpan<byte> CallId => SipSyntax.TrimLws(RawValue(HeaderKind.CallId));

    public bool TryGetCSeq(out CSeqHeader cseq)
    {
        var index = IndexOf(HeaderKind.CSeq);
        cseq = default;
        return index >= 0 && CSeqHeader.TryParse(Span, _headers[index].Value, out cseq);
    }

    /// <summary>The first via-parm of the first Via header: the one a response goes back to.</summary>
    public bool TryGetTopVia(out ViaHeader via)
    {
        var index = IndexOf(HeaderKind.Via);
        via = default;
        if (index < 0)
        {
            return false;
        }
        var value = _headers[index].Value;
        var end = HeaderText.ElementEnd(value.Of(Span), 0);
        return ViaHeader.TryParse(Span, new TextRange(value.Start, end), out via);
    }

    public bool TryGetFrom(out NameAddress from) => TryGetAddress(HeaderKind.From, out from);

    public bool TryGetTo(out NameAddress to) => TryGetAddress(HeaderKind.To, out to);

    /// <summary>Max-Forwards (RFC 3261 §20.22): -1 when absent, -2 when not a number 0-255.</summary>
    public int MaxForwards
    {
        get
        {
            var raw = RawValue(HeaderKind.MaxForwards);
            if (IndexOf(HeaderKind.MaxForwards) < 0)
            {
                return -1;
            }
            return SipSyntax.TryDigits(SipSyntax.TrimLws(raw), 255, out var value) ? (int)value : -2;
        }
    }

    /// <summary>Expires (RFC 3261 §20.19) in seconds: -1 when absent, -2 when malformed.</summary>
    public long Expires
    {
        get
        {
            if (IndexOf(HeaderKind.Expires) < 0)
            {
                return -1;
            }
            return SipSyntax.TryDigits(SipSyntax.TrimLws(RawValue(HeaderKind.Expires)), uint.MaxValue, out var value) ? value : -2;
        }
    }

    /// <summary>All elements of all headers of a kind (comma lists split), in order; see <see cref="HeaderElements"/>.</summary>
    public HeaderElements Elements(HeaderKind kind) => new(this, kind);

    private bool TryGetAddress(HeaderKind kind, out NameAddress address)
    {
        var index = IndexOf(kind);
        address = default;
        return index >= 0 && NameAddress.TryParse(Span, _headers[index].Value, out address);
    }
}
