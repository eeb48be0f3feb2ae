using System.Globalization;

namespace Dialer.Peers.Model;

/// <summary>A trunk server's outbound proxy as admins write it: host[:port] or sip:host[:port][;params].</summary>
public static class ProxyAddress
{
    /// <param name="text">The outbound proxy setting.</param>
    /// <param name="host">The host as written (an IPv6 address keeps its brackets).</param>
    /// <param name="port">The port, or null when none is written.</param>
    /// <returns>False when a port is malformed or out of range.</returns>
    public static bool TrySplit(string text, out string host, out int? port)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text;
        foreach (var scheme in (string[])["sip:", "sips:"])
        {
            if (rest.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                rest = rest[scheme.Length..];
                break;
            }
        }
        var semicolon = rest.IndexOf(';', StringComparison.Ordinal);
        if (semicolon >= 0)
        {
            rest = rest[..semicolon];
        }
        string portText;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            host = close < 0 ? rest : rest[..(close + 1)];
            portText = close < 0 ? "" : rest[(close + 1)..];
        }
        else if (rest.Count(c => c == ':') == 1)
        {
            host = rest[..rest.IndexOf(':', StringComparison.Ordinal)];
            portText = rest[host.Length..];
        }
        else
        {
            (host, portText) = (rest, "");
        }
        port = null;
        if (portText.Length == 0)
        {
            return true;
        }
        if (portText[0] != ':' || !int.TryParse(portText.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number is < 1 or > 65_535)
        {
            return false;
        }
        port = number;
        return true;
    }
}
