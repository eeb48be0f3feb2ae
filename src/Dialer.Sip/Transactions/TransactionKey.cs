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
        var sentBy = Encoding.ASCII.GetString(via.Host.Of(span)).ToLowerInvariant() + ":" + via.Port;
        key = new TransactionKey(Encoding.ASCII.GetString(via.Branch.Of(span)), sentBy, method,
            method == SipMethod.Extension ? request.MethodText : "");
        return true;
    }

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
