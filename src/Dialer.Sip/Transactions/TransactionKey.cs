using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;

namespace Dialer.Sip.Transactions;

/// <summary>
/// Matches messages to transactions. Server side (RFC 3261 §17.2.3): top Via branch + sent-by + method, ACK
/// counting as INVITE. Client side (§17.1.3): branch + CSeq method. CANCEL has its own transaction.
/// </summary>
public readonly record struct TransactionKey(string Branch, string SentBy, SipMethod Method, string MethodName)
{
    public static bool TryServerKey(SipMessage request, out TransactionKey key)
    {
        ArgumentNullException.ThrowIfNull(request);
        key = default;
        if (!request.TryGetTopVia(out var via) || via.Branch.IsEmpty || !via.HasMagicCookie(request.Span))
        {
            // RFC 2543 requests without the magic cookie would need §17.2.3's older rules; we do not keep state for them.
            return false;
        }
        var span = request.Span;
        var method = request.Method == SipMethod.Ack ? SipMethod.Invite : request.Method;
        var sentBy = SentByText(via.Host.Of(span), via.Port);
        key = new TransactionKey(Encoding.ASCII.GetString(via.Branch.Of(span)), sentBy, method,
            method == SipMethod.Extension ? request.MethodText : "");
        return true;
    }

    /// <summary>
    /// "host:port" of a Via sent-by, lower-cased: from a cache of the last few on this thread, since nearly every request
    /// comes from one of a few senders (a dialer, a carrier, a call centre's NAT), and each key lives 32 s.
    /// </summary>
    private static string SentByText(ReadOnlySpan<byte> host, int port)
    {
        var cache = t_sentBy ??= new SentByEntry[4];
        foreach (var entry in cache)
        {
            if (entry.Text is not null && entry.Port == port && host.SequenceEqual(entry.Host))
            {
                return entry.Text;
            }
        }
        var text = Encoding.ASCII.GetString(host).ToLowerInvariant() + ":" + port;
        cache[t_sentByNext++ & 3] = new SentByEntry(host.ToArray(), port, text);
        return text;
    }

    [ThreadStatic]
    private static SentByEntry[]? t_sentBy;
    [ThreadStatic]
    private static int t_sentByNext;

    private readonly record struct SentByEntry(byte[] Host, int Port, string Text);

    public static bool TryClientKey(SipMessage response, out TransactionKey key)
    {
        ArgumentNullException.ThrowIfNull(response);
        key = default;
        if (!response.TryGetTopVia(out var via) || via.Branch.IsEmpty || !response.TryGetCSeq(out var cseq))
        {
            return false;
        }
        var span = response.Span;
        key = new TransactionKey(Encoding.ASCII.GetString(via.Branch.Of(span)), "", cseq.Method,
            cseq.Method == SipMethod.Extension ? Encoding.ASCII.GetString(cseq.MethodName.Of(span)) : "");
        return true;
    }

    public static TransactionKey Client(string branch, SipMethod method, string methodName = "") =>
        new(branch, "", method, method == SipMethod.Extension ? methodName : "");

    public static string NewBranch() => Encoding.ASCII.GetString(ViaHeader.MagicCookie) + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));
}
