using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Dialer.Sip.Transport;

/// <summary>
/// A listen address as configured: "udp:127.0.0.1:5060", "tcp:[::1]:5060", "tls:127.0.0.1:5061" (Dialer:Sip:Listen;
/// docs/operations.md, "Configuration").
/// </summary>
public sealed record SipListenAddress(SipProtocol Protocol, IPEndPoint Address)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out SipListenAddress? address)
    {
        address = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0)
        {
            return false;
        }
        var protocol = text[..colon].ToLowerInvariant() switch
        {
            "udp" => SipProtocol.Udp,
            "tcp" => SipProtocol.Tcp,
            "tls" => SipProtocol.Tls,
            _ => (SipProtocol?)null,
        };
        if (protocol is null || !IPEndPoint.TryParse(text[(colon + 1)..], out var endpoint) || !text[(colon + 1)..].Contains(':', StringComparison.Ordinal))
        {
            return false;
        }
        address = new SipListenAddress(protocol.Value, endpoint);
        return true;
    }

    public override string ToString() => $"{Protocol.ToString().ToLowerInvariant()}:{Address}";
}
