using Dialer.Sip.Headers;

namespace Dialer.Sip.Message;

/// <summary>
/// Enumerates the comma-separated elements of every header of one kind, in message order, without allocating:
/// "Via: a, b" and "Via: c" give a, b, c (RFC 3261 §7.3.1).
/// </summary>
public struct HeaderElements(SipMessage message, HeaderKind kind)
{
    private int _header = -2;
    private int _position;
    private TextRange _value;

    public TextRange Current { get; private set; }

    public readonly HeaderElements GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (_header == -2 || _position > _value.Length)
            {
                _header = _header == -2 ? message.IndexOf(kind) : message.NextIndexOf(kind, _header);
                if (_header < 0)
                {
                    return false;
                }
                _value = message.HeaderAt(_header).Value;
                _position = 0;
            }
            var text = _value.Of(message.Span);
            var start = HeaderText.SkipLws(text, _position);
            var end = HeaderText.ElementEnd(text, start);
            _position = end + 1;
            var trimmed = end;
            while (trimmed > start && Parsing.SipSyntax.IsLws(text[trimmed - 1]))
            {
                trimmed--;
            }
            if (trimmed > start)
            {
                Current = new TextRange(_value.Start + start, trimmed - start);
                return true;
            }
        }
    }
}
