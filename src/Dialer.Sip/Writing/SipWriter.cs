using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Dialer.Sip.Message;

namespace Dialer.Sip.Writing;

/// <summary>Writes SIP text into an <see cref="IBufferWriter{T}"/>: start lines, headers, the blank line, a body.</summary>
public readonly ref struct SipWriter(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    public void StatusLine(int code, ReadOnlySpan<byte> reason)
    {
        Raw("SIP/2.0 "u8);
        Number(code);
        Raw(" "u8);
        Raw(reason);
        Raw("\r\n"u8);
    }

    public void StatusLine(int code, string reason) => StatusLine(code, Encoding.UTF8.GetBytes(reason));

    public void RequestLine(ReadOnlySpan<byte> method, ReadOnlySpan<byte> uri)
    {
        Raw(method);
        Raw(" "u8);
        Raw(uri);
        Raw(" SIP/2.0\r\n"u8);
    }

    public void Header(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Raw(name);
        Raw(": "u8);
        Raw(value);
        Raw("\r\n"u8);
    }

    public void Header(HeaderKind kind, ReadOnlySpan<byte> value) => Header(Encoding.ASCII.GetBytes(HeaderNames.Of(kind)), value);

    public void Header(string name, string value) => Header(Encoding.ASCII.GetBytes(name), Encoding.UTF8.GetBytes(value));

    /// <summary>Content-Length, the blank line and the body: the end of every message.</summary>
    public void Body(ReadOnlySpan<byte> body)
    {
        Raw("Content-Length: "u8);
        Number(body.Length);
        Raw("\r\n\r\n"u8);
        Raw(body);
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        var span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }

    public void Number(long value)
    {
        var span = _output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _output.Advance(written);
    }
}
