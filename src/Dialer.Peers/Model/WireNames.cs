namespace Dialer.Peers.Model;

/// <summary>The spellings the API, CLI and database use for the enums (docs/architecture.md, "Names on the wire").</summary>
public static class WireNames
{
    public static string Of(SipTransport value) => value switch
    {
        SipTransport.Tcp => "tcp",
        SipTransport.Tls => "tls",
        _ => "udp",
    };

    public static string Of(SipScheme value) => value == SipScheme.Sips ? "sips" : "sip";

    public static string Of(DnsOrder value) => value == DnsOrder.AFirst ? "a-first" : "rfc3263";

    public static string Of(CallOriginHeader value) => value switch
    {
        CallOriginHeader.Rpid => "rpid",
        CallOriginHeader.From => "from",
        _ => "pai",
    };

    public static string Of(AllocationRestriction value) =>
        value == AllocationRestriction.MaximumLimit ? "MAXIMUM_LIMIT" : "OVERFLOW_ALLOWED";

    public static string Of(ApiRole value) => value == ApiRole.Admin ? "admin" : "viewer";

    public static bool TryParse(string? text, out SipTransport value) =>
        TryMatch(text, out value, (SipTransport.Udp, "udp"), (SipTransport.Tcp, "tcp"), (SipTransport.Tls, "tls"));

    public static bool TryParse(string? text, out SipScheme value) =>
        TryMatch(text, out value, (SipScheme.Sip, "sip"), (SipScheme.Sips, "sips"));

    public static bool TryParse(string? text, out DnsOrder value) =>
        TryMatch(text, out value, (DnsOrder.Rfc3263, "rfc3263"), (DnsOrder.AFirst, "a-first"));

    public static bool TryParse(string? text, out CallOriginHeader value) =>
        TryMatch(text, out value, (CallOriginHeader.Pai, "pai"), (CallOriginHeader.Rpid, "rpid"), (CallOriginHeader.From, "from"));

    public static bool TryParse(string? text, out AllocationRestriction value) =>
        TryMatch(text, out value,
            (AllocationRestriction.MaximumLimit, "MAXIMUM_LIMIT"), (AllocationRestriction.OverflowAllowed, "OVERFLOW_ALLOWED"));

    public static bool TryParse(string? text, out ApiRole value) =>
        TryMatch(text, out value, (ApiRole.Admin, "admin"), (ApiRole.Viewer, "viewer"));

    /// <summary>Parses a value read back from the database, where only names written by <see cref="Of(SipTransport)"/> and friends occur.</summary>
    public static T Stored<T>(string text, TryParser<T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse(text, out var value) ? value : throw new InvalidDataException($"unknown stored {typeof(T).Name} '{text}'");
    }

    public delegate bool TryParser<T>(string? text, out T value);

    private static bool TryMatch<T>(string? text, out T value, params (T Value, string Name)[] names)
        where T : struct
    {
        foreach (var (candidate, name) in names)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
