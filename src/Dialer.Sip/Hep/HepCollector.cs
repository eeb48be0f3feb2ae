using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Dialer.Sip.Hep;

/// <summary>Where HEP packets go: a DNS name or an IP and a UDP port ("homer.example.net:9060", "10.0.0.5:9060", "[2001:db8::5]:9060").</summary>
public sealed record HepCollector(string Host, int Port)
{
    /// <summary>The collector's address when <see cref="Host"/> is an IP literal (no DNS needed), else null.</summary>
    public IPAddress? Literal => IPAddress.TryParse(Host, out var address) ? address : null;

    public static bool TryParse(string? text, [NotNullWhen(true)] out HepCollector? collector)
    {
        collector = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            host = text[1..close];
            port = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                return false; // no port, or a bare IPv6 address without brackets
            }
            host = text[..colon];
            port = text[(colon + 1)..];
            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                return false;
            }
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65_535)
        {
            return false;
        }
        collector = new HepCollector(host, number);
        return true;
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
