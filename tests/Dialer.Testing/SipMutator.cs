using System.Text;

namespace Dialer.Testing;

/// <summary>
/// Mutates valid SIP into the kinds of wrong a network sends (the fuzzer of issue 13): flipped and inserted bytes,
/// SIP punctuation in the wrong place, cut and repeated lines, huge values, lying Content-Lengths, NULs, folded
/// lines, messages cut short. Deterministic for a seed, so a failure is replayed by its iteration number.
/// </summary>
public sealed class SipMutator(IReadOnlyList<byte[]> seeds, int seed)
{
    private static readonly byte[][] s_tokens =
    [
        .. new[]
        {
            ":", ";", ",", "<", ">", "\"", "\\", "\r\n", "\r\n\r\n", "\n", "\r", " ", "\t", "\0", "%", "%00", "%zz", "@", "[", "]", "[::1]",
            "=", "sip:", "sips:", "tel:", "z9hG4bK", ";branch=", ";tag=", ";rport", ";received=", ";lr", ";dlg=", "SIP/2.0", "SIP/3.0",
            "INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "Via: ", "Route: <sip:127.0.0.1;lr>", "Contact: *", "CSeq: ",
            "Content-Length: ", "Max-Forwards: 0", "Expires: ", "99999999999999999999", "-1", "0", "4294967296", "65536", "\u00ff\u00fe",
            "Call-ID: ", "To: ", "From: ", "Proxy-Require: foo", "Require: 100rel", "Authorization: Digest ", "nc=", "nonce=\"",
        }.Select(Encoding.Latin1.GetBytes),
    ];

    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var message = new List<byte>(seeds[_random.Next(seeds.Count)]);
        var mutations = 1 + _random.Next(4);
        for (var i = 0; i < mutations && message.Count > 0; i++)
        {
            Mutate(message);
        }
        return [.. message];
    }

    private void Mutate(List<byte> message)
    {
        var at = _random.Next(message.Count);
        switch (_random.Next(11))
        {
            case 0:
                message[at] = (byte)_random.Next(256);
                break;
            case 1:
                message.InsertRange(at, s_tokens[_random.Next(s_tokens.Length)]);
                break;
            case 2:
                message.RemoveRange(at, Math.Min(message.Count - at, 1 + _random.Next(40)));
                break;
            case 3:
                message.RemoveRange(at, message.Count - at); // cut short
                break;
            case 4:
                // A line repeated (two Vias, two Content-Lengths, two CSeqs ...).
                var (start, end) = LineAround(message, at);
                message.InsertRange(end, message.GetRange(start, end - start));
                break;
            case 5:
                // A huge value: kilobytes of one character.
                message.InsertRange(at, Enumerable.Repeat((byte)"a;<%9,"[_random.Next(6)], 1 + _random.Next(8192)));
                break;
            case 6:
                // Content-Length that lies.
                var text = Encoding.Latin1.GetString([.. message]);
                var header = text.IndexOf("Content-Length:", StringComparison.OrdinalIgnoreCase);
                if (header >= 0)
                {
                    var lineEnd = text.IndexOf('\r', header);
                    var lie = Encoding.Latin1.GetBytes("Content-Length: " + (_random.Next(3) switch { 0 => "-5", 1 => "99999999", _ => _random.Next(4000).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
                    message.RemoveRange(header, (lineEnd < 0 ? text.Length : lineEnd) - header);
                    message.InsertRange(header, lie);
                }
                break;
            case 7:
                // A folded line (RFC 3261 §7.3.1 allows it; many parsers do not).
                message.InsertRange(at, "\r\n \t"u8.ToArray());
                break;
            case 8:
                var (a, b) = LineAround(message, at);
                message.RemoveRange(a, b - a); // a header gone
                break;
            case 9:
                message.Insert(at, 0);
                break;
            default:
                // Case games and compact forms where full names were.
                if (message[at] is >= (byte)'a' and <= (byte)'z')
                {
                    message[at] -= 32;
                }
                else if (message[at] is >= (byte)'A' and <= (byte)'Z')
                {
                    message[at] += 32;
                }
                break;
        }
    }

    private static (int Start, int End) LineAround(List<byte> message, int at)
    {
        var start = at;
        while (start > 0 && message[start - 1] != (byte)'\n')
        {
            start--;
        }
        var end = at;
        while (end < message.Count && message[end] != (byte)'\n')
        {
            end++;
        }
        return (start, Math.Min(message.Count, end + 1));
    }
}
