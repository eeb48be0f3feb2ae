using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Headers;

/// <summary>CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the number fits 32 bits unsigned (§8.1.1.5).</summary>
public readonly record struct CSeqHeader(uint Number, SipMethod Method, TextRange MethodName)
{
    public static bool TryParse(ReadOnlySpan<byte> buffer, TextRange value, out CSeqHeader cseq)
    {
        cseq = default;
        var text = value.Of(buffer);
        var p = HeaderText.SkipLws(text, 0);
        var numberStart = p;
        while (p < text.Length && text[p] is >= (byte)'0' and <= (byte)'9')
        {
            p++;
        }
        if (!SipSyntax.TryDigits(text[numberStart..p], uint.MaxValue, out var number) || p == text.Length || !SipSyntax.IsLws(text[p]))
        {
            return false;
        }
        var methodStart = HeaderText.SkipLws(text, p);
        var method = SipSyntax.TrimLws(text[methodStart..]);
        if (!SipSyntax.IsToken(method))
        {
            return false;
        }
        cseq = new CSeqHeader((uint)number, SipMethods.Lookup(method), new TextRange(value.Start + methodStart, method.Length));
        return true;
    }
}
