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

    /// <summary>
    /// FNV-1a (64 bits) over the identifying parts, straight from the message bytes: loop detection needs a stable
    /// fingerprint, not a cryptographic one, and this runs for every forwarded request.
    /// </summary>
    private static string Hash(SipMessage request)
    {
        var span = request.Span;
        var hash = Fnv.Offset;
        hash = Fnv.Add(hash, request.RequestUri.Of(span));
        hash = Fnv.Add(hash, (byte)'|');
        if (request.TryGetFrom(out var from))
        {
            hash = Fnv.Add(hash, from.Tag(span).Of(span));
        }
        hash = Fnv.Add(hash, (byte)'|');
        hash = Fnv.Add(hash, request.CallId);
        hash = Fnv.Add(hash, (byte)'|');
        if (request.TryGetCSeq(out var cseq))
        {
            Span<byte> number = stackalloc byte[20];
            cseq.Number.TryFormat(number, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            hash = Fnv.Add(hash, number[..written]);
        }
        hash = Fnv.Add(hash, (byte)'|');
        if (request.TryGetTo(out var to))
        {
            hash = Fnv.Add(hash, to.Tag(span).Of(span));
        }
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static class Fnv
    {
        public const ulong Offset = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;

        public static ulong Add(ulong hash, byte value) => (hash ^ value) * Prime;

        public static ulong Add(ulong hash, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * Prime;
            }
            return hash;
        }
    }
}
