using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Dialer.Peers.Model;

/// <summary>An IPv4 or IPv6 network in CIDR form, used for IP authentication of carriers and dialers.</summary>
public readonly record struct Cidr(IPAddress Network, int PrefixLength)
{
    /// <summary>
    /// Parses "203.0.113.0/24", "2001:db8::/32" or a bare address (a single host). Host bits set past the
    /// prefix are an error rather than silently masked: "10.0.0.5/24" is usually a typo an admin wants to see.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Cidr? cidr, out string error)
    {
        cidr = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "must be an IPv4 or IPv6 network such as 203.0.113.0/24";
            return false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal))
        {
            error = $"'{text}' is not an IPv4 or IPv6 address or network";
            return false;
        }
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix) || prefix > max))
        {
            error = $"'{text}' has a prefix length outside 0..{max}";
            return false;
        }
        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            error = $"'{text}' has host bits set; did you mean {masked}/{prefix}?";
            return false;
        }
        cidr = new Cidr(address, prefix);
        return true;
    }

    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr.Value : throw new FormatException(error);

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && Network.AddressFamily == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv4();
        }
        return address.AddressFamily == Network.AddressFamily && Mask(address, PrefixLength).Equals(Network);
    }

    public override string ToString() => $"{Network}/{PrefixLength}";

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsInByte = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsInByte));
        }
        return new IPAddress(bytes);
    }
}
