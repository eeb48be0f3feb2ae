using System.Security.Cryptography;
using System.Text;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;

namespace Dialer.Sip.Proxy;

/// <summary>
/// Branches for forwarded requests (RFC 3261 §16.6 step 8) that also detect loops (§16.3 step 4):
/// "z9hG4bK" + a hash of what identifies the request as received (Request-URI, From tag, Call-ID, CSeq number,
/// To tag) + a per-forward counter. A request that comes back carrying a Via of ours whose hash part matches
/// its own hash has looped; one whose Request-URI changed in between is a legitimate spiral.
/// </summary>
public static class ProxyBranch
{
    private const string Prefix = "z9hG4bKdlr";
    private static long s_counter;

    public static string For(SipMessage request) =>
        $"{Prefix}{Hash(request)}.{Interlocked.Increment(ref s_counter):x}";

    /// <param name="request">The request as received.</param>
    /// <param name="isOurs">Tells whether a Via sent-by (host, port) is this proxy.</param>
    /// <returns>True when the request already passed through here unchanged: answer 482 Loop Detected.</returns>
    public static bool HasLooped(SipMessage request, Func<string, int, bool> isOurs)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(isOurs);
        var span = request.Span;
        string? hash = null;
        var first = true;
        foreach (var element in request.Elements(HeaderKind.Via))
        {
            // The top Via is the previous hop's: our own Via of an earlier pass sits further down.
            if (first)
            {
                first = false;
                continue;
            }
            if (!ViaHeader.TryParse(span, element, out var via) || !isOurs(via.HostText(span), via.Port))
            {
                continue;
            }
            var branch = Encoding.ASCII.GetString(via.Branch.Of(span));
            if (branch.StartsWith(Prefix, StringComparison.Ordinal))
            {
                hash ??= Hash(request);
                var dot = branch.IndexOf('.', StringComparison.Ordinal);
                if (dot > Prefix.Length && branch[Prefix.Length..dot] == hash)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static string Hash(SipMessage request)
    {
        var span = request.Span;
        var builder = new StringBuilder(256);
        builder.Append(Encoding.UTF8.GetString(request.RequestUri.Of(span))).Append('|');
        if (request.TryGetFrom(out var from))
        {
            builder.Append(Encoding.UTF8.GetString(from.Tag(span).Of(span)));
        }
        builder.Append('|').Append(Encoding.UTF8.GetString(request.CallId)).Append('|');
        if (request.TryGetCSeq(out var cseq))
        {
            builder.Append(cseq.Number);
        }
        builder.Append('|');
        if (request.TryGetTo(out var to))
        {
            builder.Append(Encoding.UTF8.GetString(to.Tag(span).Of(span)));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())).AsSpan(0, 8));
    }
}
