using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Headers;

/// <summary>
/// Walks a generic-param list (RFC 3261 §25.1: *( SEMI generic-param )) without allocating. Ranges are
/// absolute (<paramref name="offset"/> is where <c>text</c> starts in the message buffer).
/// </summary>
public ref struct ParameterReader(ReadOnlySpan<byte> text, int offset)
{
    private readonly ReadOnlySpan<byte> _text = text;
    private int _position;

    public bool Malformed { get; private set; }

    public bool TryRead(out SipParameter parameter)
    {
        parameter = default;
        var p = HeaderText.SkipLws(_text, _position);
        if (p >= _text.Length)
        {
            return false;
        }
        if (_text[p] != ';')
        {
            Malformed = true;
            return false;
        }
        p = HeaderText.SkipLws(_text, p + 1);
        var nameStart = p;
        var nameLength = _text[p..].IndexOfAnyExcept(SipSyntax.Token);
        p = nameLength < 0 ? _text.Length : p + nameLength;
        var name = new TextRange(offset + nameStart, p - nameStart);
        if (name.Length == 0)
        {
            Malformed = true;
            return false;
        }
        p = HeaderText.SkipLws(_text, p);
        if (p < _text.Length && _text[p] == '=')
        {
            p = HeaderText.SkipLws(_text, p + 1);
            var valueStart = p;
            if (p < _text.Length && _text[p] == '"')
            {
                p = HeaderText.QuotedEnd(_text, p);
                if (p < 0)
                {
                    Malformed = true;
                    return false;
                }
            }
            else
            {
                // token, host (IPv6 reference included) or other value characters up to the next separator.
                var valueLength = _text[p..].IndexOfAny(SipSyntax.ParameterValueEnd);
                p = valueLength < 0 ? _text.Length : p + valueLength;
            }
            parameter = new SipParameter(name, new TextRange(offset + valueStart, p - valueStart), true);
        }
        else
        {
            parameter = new SipParameter(name, new TextRange(offset + p, 0), false);
        }
        _position = p;
        return true;
    }

    /// <summary>Finds a parameter by name (case-insensitive, RFC 3261 §7.3.1).</summary>
    public static bool TryFind(ReadOnlySpan<byte> buffer, TextRange parameters, ReadOnlySpan<byte> name, out SipParameter found)
    {
        var reader = new ParameterReader(parameters.Of(buffer), parameters.Start);
        while (reader.TryRead(out var parameter))
        {
            if (Ascii.EqualsIgnoreCase(parameter.Name.Of(buffer), name))
            {
                found = parameter;
                return true;
            }
        }
        found = default;
        return false;
    }
}
