using System.Text;

namespace Dialer.Sip.Message;

/// <summary>Maps header names, long or compact, in any case, to a <see cref="HeaderKind"/> without allocating.</summary>
public static class HeaderNames
{
    private static readonly string[] s_canonical = Build();

    /// <summary>The name to write for a kind, as RFC 3261 §20 spells it.</summary>
    public static string Of(HeaderKind kind) => s_canonical[(int)kind];

    public static HeaderKind Lookup(ReadOnlySpan<byte> name)
    {
        // Dispatch on length first: one or two comparisons per header instead of a scan of every name.
        switch (name.Length)
        {
            case 1:
                return Compact(name[0] | 0x20);
            case 2:
                return Is(name, "To"u8) ? HeaderKind.To : HeaderKind.Other;
            case 3:
                return Is(name, "Via"u8) ? HeaderKind.Via : HeaderKind.Other;
            case 4:
                return Is(name, "From"u8) ? HeaderKind.From : Is(name, "CSeq"u8) ? HeaderKind.CSeq : Is(name, "Date"u8) ? HeaderKind.Date : HeaderKind.Other;
            case 5:
                return Is(name, "Route"u8) ? HeaderKind.Route : Is(name, "Allow"u8) ? HeaderKind.Allow : Is(name, "Event"u8) ? HeaderKind.Event : HeaderKind.Other;
            case 6:
                return Is(name, "Server"u8) ? HeaderKind.Server : Is(name, "Reason"u8) ? HeaderKind.Reason : Is(name, "Accept"u8) ? HeaderKind.Accept : HeaderKind.Other;
            case 7:
                return Is(name, "Call-ID"u8) ? HeaderKind.CallId : Is(name, "Contact"u8) ? HeaderKind.Contact : Is(name, "Expires"u8) ? HeaderKind.Expires
                    : Is(name, "Require"u8) ? HeaderKind.Require : Is(name, "Subject"u8) ? HeaderKind.Subject : Is(name, "Privacy"u8) ? HeaderKind.Privacy : HeaderKind.Other;
            case 9:
                return Is(name, "Supported"u8) ? HeaderKind.Supported : Is(name, "Timestamp"u8) ? HeaderKind.Timestamp : HeaderKind.Other;
            case 10:
                return Is(name, "User-Agent"u8) ? HeaderKind.UserAgent : HeaderKind.Other;
            case 11:
                return Is(name, "Retry-After"u8) ? HeaderKind.RetryAfter : Is(name, "Unsupported"u8) ? HeaderKind.Unsupported : Is(name, "Min-Expires"u8) ? HeaderKind.MinExpires : HeaderKind.Other;
            case 12:
                return Is(name, "Max-Forwards"u8) ? HeaderKind.MaxForwards : Is(name, "Record-Route"u8) ? HeaderKind.RecordRoute
                    : Is(name, "Content-Type"u8) ? HeaderKind.ContentType : HeaderKind.Other;
            case 13:
                return Is(name, "Authorization"u8) ? HeaderKind.Authorization : Is(name, "Proxy-Require"u8) ? HeaderKind.ProxyRequire : HeaderKind.Other;
            case 14:
                return Is(name, "Content-Length"u8) ? HeaderKind.ContentLength : HeaderKind.Other;
            case 15:
                return Is(name, "Remote-Party-ID"u8) ? HeaderKind.RemotePartyId : HeaderKind.Other;
            case 16:
                return Is(name, "WWW-Authenticate"u8) ? HeaderKind.WwwAuthenticate : Is(name, "Content-Encoding"u8) ? HeaderKind.ContentEncoding : HeaderKind.Other;
            case 18:
                return Is(name, "Proxy-Authenticate"u8) ? HeaderKind.ProxyAuthenticate : HeaderKind.Other;
            case 19:
                return Is(name, "Proxy-Authorization"u8) ? HeaderKind.ProxyAuthorization : Is(name, "P-Asserted-Identity"u8) ? HeaderKind.PAssertedIdentity : HeaderKind.Other;
            default:
                return HeaderKind.Other;
        }
    }

    /// <summary>RFC 3261 §7.3.3 and §20 compact forms.</summary>
    private static HeaderKind Compact(int lower) => lower switch
    {
        'v' => HeaderKind.Via,
        'f' => HeaderKind.From,
        't' => HeaderKind.To,
        'i' => HeaderKind.CallId,
        'm' => HeaderKind.Contact,
        'l' => HeaderKind.ContentLength,
        'c' => HeaderKind.ContentType,
        'k' => HeaderKind.Supported,
        's' => HeaderKind.Subject,
        'e' => HeaderKind.ContentEncoding,
        'o' => HeaderKind.Event,
        _ => HeaderKind.Other,
    };

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> known) => Ascii.EqualsIgnoreCase(name, known);

    private static string[] Build()
    {
        var names = new string[HeaderKinds.Count];
        names[(int)HeaderKind.Other] = "";
        names[(int)HeaderKind.Via] = "Via";
        names[(int)HeaderKind.From] = "From";
        names[(int)HeaderKind.To] = "To";
        names[(int)HeaderKind.CallId] = "Call-ID";
        names[(int)HeaderKind.CSeq] = "CSeq";
        names[(int)HeaderKind.MaxForwards] = "Max-Forwards";
        names[(int)HeaderKind.Contact] = "Contact";
        names[(int)HeaderKind.ContentLength] = "Content-Length";
        names[(int)HeaderKind.ContentType] = "Content-Type";
        names[(int)HeaderKind.Route] = "Route";
        names[(int)HeaderKind.RecordRoute] = "Record-Route";
        names[(int)HeaderKind.Expires] = "Expires";
        names[(int)HeaderKind.MinExpires] = "Min-Expires";
        names[(int)HeaderKind.Authorization] = "Authorization";
        names[(int)HeaderKind.ProxyAuthorization] = "Proxy-Authorization";
        names[(int)HeaderKind.WwwAuthenticate] = "WWW-Authenticate";
        names[(int)HeaderKind.ProxyAuthenticate] = "Proxy-Authenticate";
        names[(int)HeaderKind.RetryAfter] = "Retry-After";
        names[(int)HeaderKind.Reason] = "Reason";
        names[(int)HeaderKind.Allow] = "Allow";
        names[(int)HeaderKind.Supported] = "Supported";
        names[(int)HeaderKind.Require] = "Require";
        names[(int)HeaderKind.ProxyRequire] = "Proxy-Require";
        names[(int)HeaderKind.Unsupported] = "Unsupported";
        names[(int)HeaderKind.Accept] = "Accept";
        names[(int)HeaderKind.UserAgent] = "User-Agent";
        names[(int)HeaderKind.Server] = "Server";
        names[(int)HeaderKind.Subject] = "Subject";
        names[(int)HeaderKind.ContentEncoding] = "Content-Encoding";
        names[(int)HeaderKind.Event] = "Event";
        names[(int)HeaderKind.PAssertedIdentity] = "P-Asserted-Identity";
        names[(int)HeaderKind.RemotePartyId] = "Remote-Party-ID";
        names[(int)HeaderKind.Privacy] = "Privacy";
        names[(int)HeaderKind.Timestamp] = "Timestamp";
        names[(int)HeaderKind.Date] = "Date";
        return names;
    }
}
