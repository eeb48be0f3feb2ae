using System.Text;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Message;

/// <summary>
/// A parsed SIP message: offsets into the bytes it was parsed from, nothing decoded until asked for.
/// One object per message (its header table is inline); reuse one with <see cref="SipParser"/> to allocate nothing.
/// </summary>
public sealed partial class SipMessage
{
    private HeaderTable _headers;

    /// <summary>The buffer the offsets refer to; the message starts at <see cref="Start"/>.</summary>
    public ReadOnlyMemory<byte> Buffer { get; private set; }
    public int Start { get; internal set; }
    /// <summary>The bytes the message occupies, Content-Length body included (trailing datagram octets excluded).</summary>
    public int Length { get; internal set; }

    public bool IsRequest { get; internal set; }
    public SipMethod Method { get; internal set; }
    public TextRange MethodName { get; internal set; }
    public TextRange RequestUri { get; internal set; }
    public int StatusCode { get; internal set; }
    public TextRange Reason { get; internal set; }
    public TextRange Body { get; internal set; }
    /// <summary>The Content-Length value, or -1 when absent.</summary>
    public int ContentLength { get; internal set; } = -1;
    /// <summary>The first problem found; a request with a fault is answered with <see cref="SipFault.StatusCode"/>.</summary>
    public SipFault Fault { get; internal set; }

    public ReadOnlySpan<byte> Span => Buffer.Span;
    public ReadOnlyMemory<byte> Data => Buffer.Slice(Start, Length);
    public int HeaderCount => _headers.Count;

    public HeaderField HeaderAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_headers.Count, nameof(index));
        return _headers[index];
    }

    /// <returns>Index of the first header of <paramref name="kind"/>, or -1.</returns>
    public int IndexOf(HeaderKind kind) => _headers.IndexOf(kind);

    /// <returns>Index of the next header of <paramref name="kind"/> after <paramref name="index"/>, or -1.</returns>
    public int NextIndexOf(HeaderKind kind, int index)
    {
        for (var i = index + 1; i < _headers.Count; i++)
        {
            if (_headers[i].Kind == kind)
            {
                return i;
            }
        }
        return -1;
    }

    /// <returns>Index of the first header named <paramref name="name"/> (any case), or -1.</returns>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var kind = HeaderNames.Lookup(Encoding.ASCII.GetBytes(name));
        if (kind != HeaderKind.Other)
        {
            return IndexOf(kind);
        }
        var span = Span;
        for (var i = 0; i < _headers.Count; i++)
        {
            var field = _headers[i];
            if (field.Kind == HeaderKind.Other && Ascii.EqualsIgnoreCase(field.Name.Of(span), name))
            {
                return i;
            }
        }
        return -1;
    }

    public int Count(HeaderKind kind)
    {
        var count = 0;
        for (var i = IndexOf(kind); i >= 0; i = NextIndexOf(kind, i))
        {
            count++;
        }
        return count;
    }

    /// <summary>The raw value of the first header of a kind (may hold folded line breaks); empty when absent.</summary>
    public ReadOnlySpan<byte> RawValue(HeaderKind kind)
    {
        var index = IndexOf(kind);
        return index < 0 ? default : _headers[index].Value.Of(Span);
    }

    /// <summary>A header value as text, continuation lines unfolded into single spaces; null when absent.</summary>
    public string? GetValue(HeaderKind kind)
    {
        var index = IndexOf(kind);
        return index < 0 ? null : ValueString(_headers[index]);
    }

    public string? GetValue(string name)
    {
        var index = IndexOf(name);
        return index < 0 ? null : ValueString(_headers[index]);
    }

    public string ValueString(HeaderField field) => Unfold(field.Value.Of(Span));

    public string Text(TextRange range) => Encoding.UTF8.GetString(range.Of(Span));

    public string MethodText => IsRequest ? (Method == SipMethod.Extension ? Text(MethodName) : SipMethods.NameOf(Method)) : "";

    /// <summary>RFC 3261 §7.3.1: a line break followed by whitespace is equivalent to one space.</summary>
    internal static string Unfold(ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return Encoding.UTF8.GetString(value);
        }
        var builder = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] is (byte)'\r' or (byte)'\n')
            {
                while (i < value.Length && value[i] is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t')
                {
                    i++;
                }
                builder.Append(' ');
                continue;
            }
            var next = value[i..].IndexOfAny((byte)'\r', (byte)'\n');
            var run = next < 0 ? value[i..] : value.Slice(i, next);
            builder.Append(Encoding.UTF8.GetString(run));
            i += run.Length;
        }
        return builder.ToString().TrimEnd();
    }

    /// <summary>Forgets the previous message so the object can take the next one.</summary>
    internal void Reset(ReadOnlyMemory<byte> buffer, int start)
    {
        Buffer = buffer;
        Start = start;
        Length = 0;
        IsRequest = false;
        Method = SipMethod.Extension;
        MethodName = default;
        RequestUri = default;
        StatusCode = 0;
        Reason = default;
        Body = default;
        ContentLength = -1;
        Fault = SipFault.None;
        _headers.Clear();
    }

    internal bool AddHeader(HeaderField field) => _headers.Add(field);

    internal void ExtendLastHeader(int end) => _headers.ExtendLast(end);

    internal HeaderField LastHeader => _headers[_headers.Count - 1];

    /// <summary>Records the first fault only: later ones are usually consequences of it.</summary>
    internal void Flag(ParseFault fault, HeaderKind header = HeaderKind.Other)
    {
        if (!Fault.IsFault)
        {
            Fault = new SipFault(fault, header);
        }
    }
}
