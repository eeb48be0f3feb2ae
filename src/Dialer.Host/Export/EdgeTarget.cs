using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dialer.Sip.Transport;

namespace Dialer.Host.Export;

/// <summary>Where another SIP server reaches the edge: a host (IP or name, IPv6 without brackets) and a UDP port.</summary>
public sealed record EdgeTarget(string Host, int Port)
{
    public const int DefaultPort = 5060;

    /// <summary>The host as it goes into a SIP URI: IPv6 in brackets (RFC 3261 §19.1.1, RFC 2732).</summary>
    public string UriHost => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    /// <summary>"HOST:PORT" for a URI: sip:{this}.</summary>
    public string UriHostPort => string.Create(CultureInfo.InvariantCulture, $"{UriHost}:{Port}");

    /// <summary>Parses --edge: "10.0.0.5:5060", "edge.example:5070", "[2001:db8::5]:5060", or a host alone (port 5060).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out EdgeTarget? target)
    {
        target = null;
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            return false;
        }
        var host = text;
        var port = DefaultPort;
        var bracketed = text.StartsWith('[');
        var colon = bracketed ? text.IndexOf("]:", StringComparison.Ordinal) + 1 : text.LastIndexOf(':');
        // A bare IPv6 address has several colons and no port.
        var hasPort = colon > 0 && (bracketed || text.IndexOf(':', StringComparison.Ordinal) == colon);
        if (hasPort)
        {
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65_535)
            {
                return false;
            }
            host = text[..colon];
        }
        host = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (host.Length == 0 || host.Contains('[', StringComparison.Ordinal) || host.Contains(']', StringComparison.Ordinal)
            || (host.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _)))
        {
            return false;
        }
        target = new EdgeTarget(host.ToLowerInvariant(), port);
        return true;
    }

    /// <summary>
    /// The first udp entry of Dialer:Sip:Listen. An unspecified address (0.0.0.0, ::) names no host another server
    /// could reach, so it is refused with the reason in <paramref name="problem"/>.
    /// </summary>
    public static EdgeTarget? FromListen(IEnumerable<string> listen, out string problem)
    {
        ArgumentNullException.ThrowIfNull(listen);
        foreach (var entry in listen)
        {
            if (SipListenAddress.TryParse(entry, out var address) && address.Protocol == SipProtocol.Udp)
            {
                var ip = address.Address.Address;
                if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
                {
                    problem = $"Dialer:Sip:Listen {entry} binds every address: give --edge HOST:PORT";
                    return null;
                }
                problem = "";
                var host = ip.AddressFamily == AddressFamily.InterNetworkV6 ? ip.ToString() : ip.MapToIPv4().ToString();
                return new EdgeTarget(host, address.Address.Port);
            }
        }
        problem = "no udp address in Dialer:Sip:Listen: give --edge HOST:PORT";
        return null;
    }
}
