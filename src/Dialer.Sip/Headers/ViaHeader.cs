using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Headers;

/// <summary>
/// One via-parm (RFC 3261 §20.42): sent-protocol, sent-by and the parameters that transactions and
/// NAT traversal need: branch (§8.1.1.7), received (§18.2.1), rport (RFC 3581), maddr.
/// All ranges are absolute offsets in the message buffer.
/// </summary>
public readonly record struct ViaHeader(
    TextRange Element,
    TextRange Transport,
    TextRange Host,
    int Port,
    TextRange Parameters,
    TextRange Branch,
    TextRange Received,
    bool HasRport,
    int Rport)
{
    /// <summary>RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie.</summary>
    public static ReadOnlySpan<byte> MagicCookie => "z9hG4bK"u8;

    public bool HasMagicCookie(ReadOnlySpan<byte> buffer) => Branch.Of(buffer).StartsWith(MagicCookie);

    /// <summary>The host without IPv6 brackets.</summary>
    public string HostText(ReadOnlySpan<byte> buffer) => WithoutBrackets(Host.Of(buffer));

    /// <summary>
    /// The received address without IPv6 brackets; empty when absent. RFC 3261 §25.1 writes it bare, but senders also
    /// bracket it, and RFC 5118 §4.5 asks that both be read.
    /// </summary>
    public string ReceivedText(ReadOnlySpan<byte> buffer) => WithoutBrackets(Received.Of(buffer));

    private static string WithoutBrackets(ReadOnlySpan<byte> address) =>
        Encoding.ASCII.GetString(address.Length > 1 && address[0] == '[' && address[^1] == ']' ? address[1..^1] : address);

    /// <param name="buffer">The message buffer.</param>
    /// <param name="element">One comma-separated element of a Via header value.</param>
    /// <param name="via">The parsed Via.</param>
    public static bool TryParse(ReadOnlySpan<byte> buffer, TextRange element, out ViaHeader via)
    {
        via = default;
        var text = element.Of(buffer);
        var p = HeaderText.SkipLws(text, 0);
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SWS allowed around each slash.
        if (!ReadToken(text, ref p, out var name) || !Ascii.EqualsIgnoreCase(text.Slice(name.Start, name.Length), "SIP"u8)
            || !Slash(text, ref p) || !ReadToken(text, ref p, out var version) || !Slash(text, ref p)
            || !ReadToken(text, ref p, out var transport) || p >= text.Length || !SipSyntax.IsLws(text[p]))
        {
            return false;
        }
        _ = version;
        p = HeaderText.SkipLws(text, p);
        if (!ReadHostPort(text, ref p, out var host, out var port))
        {
            return false;
        }
        p = HeaderText.SkipLws(text, p);
        var parameters = new TextRange(element.Start + p, text.Length - p);
        var result = new ViaHeader(element, new TextRange(element.Start + transport.Start, transport.Length),
            new TextRange(element.Start + host.Start, host.Length), port, parameters, default, default, false, -1);
        var reader = new ParameterReader(parameters.Of(buffer), parameters.Start);
        while (reader.TryRead(out var parameter))
        {
            var key = parameter.Name.Of(buffer);
            if (Ascii.EqualsIgnoreCase(key, "branch"u8))
            {
                result = result with { Branch = parameter.Value };
            }
            else if (Ascii.EqualsIgnoreCase(key, "received"u8))
            {
                result = result with { Received = parameter.Value };
            }
            else if (Ascii.EqualsIgnoreCase(key, "rport"u8))
            {
                // RFC 3581 §3: a request carries a bare ";rport"; the server fills in the observed port.
                var rport = -1L;
                if (parameter.HasValue && (!SipSyntax.TryDigits(parameter.Value.Of(buffer), 65535, out rport) || rport == 0))
                {
                    return false;
                }
                result = result with { HasRport = true, Rport = (int)rport };
            }
        }
        if (reader.Malformed)
        {
            return false;
        }
        via = result;
        return true;
    }

    private static bool ReadToken(ReadOnlySpan<byte> text, ref int p, out TextRange token)
    {
        var start = p;
        var length = text[p..].IndexOfAnyExcept(SipSyntax.Token);
        p = length < 0 ? text.Length : p + length;
        token = new TextRange(start, p - start);
        return token.Length > 0;
    }

    private static bool Slash(ReadOnlySpan<byte> text, ref int p)
    {
        p = HeaderText.SkipLws(text, p);
        if (p >= text.Length || text[p] != '/')
        {
            return false;
        }
        p = HeaderText.SkipLws(text, p + 1);
        return true;
    }

    /// <summary>host [ ":" port ] where host may be an IPv6 reference in brackets.</summary>
    internal static bool ReadHostPort(ReadOnlySpan<byte> text, ref int p, out TextRange host, out int port)
    {
        port = 0;
        var start = p;
        if (p < text.Length && text[p] == '[')
        {
            var close = text[p..].IndexOf((byte)']');
            if (close < 0)
            {
                host = default;
                return false;
            }
            p += close + 1;
        }
        else
        {
            var length = text[p..].IndexOfAnyExcept(SipSyntax.HostChar);
            p = length < 0 ? text.Length : p + length;
        }
        host = new TextRange(start, p - start);
        if (host.Length == 0)
        {
            return false;
        }
        var afterHost = HeaderText.SkipLws(text, p);
        if (afterHost < text.Length && text[afterHost] == ':')
        {
            p = HeaderText.SkipLws(text, afterHost + 1);
            var portStart = p;
            while (p < text.Length && text[p] is >= (byte)'0' and <= (byte)'9')
            {
                p++;
            }
            if (!SipSyntax.TryDigits(text[portStart..p], 65535, out var value) || value == 0)
            {
                return false;
            }
            port = (int)value;
        }
        return true;
    }
}
