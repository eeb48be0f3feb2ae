using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>
/// Kamailio 5.6's permissions address file (modparam address_file, "Address File Format"): per line
/// "group address mask port tag", one row per CIDR of each active trunk's IP-auth ACL, the group being the trunk's set id.
/// </summary>
public static class KamailioAddresses
{
    public static string Render(IEnumerable<Trunk> trunks)
    {
        ArgumentNullException.ThrowIfNull(trunks);
        var text = new StringBuilder();
        text.Append("# Address file for Kamailio's permissions module (modparam address_file), written by `dialer export kamailio`.\n")
            .Append("# The carriers' source networks (trunk ACLs): allow_source_address(\"GROUP\") admits a carrier's inbound calls.\n")
            .Append("# Line: group address mask port tag; group = the trunk's dispatcher set id, port 0 = any, tag = the trunk name.\n")
            .Append("# Loading from a database instead, the same values go in the address table's grp, ip_addr, mask, port, tag.\n");
        foreach (var (setId, trunk) in KamailioSets.Number(trunks))
        {
            var group = setId.ToString(CultureInfo.InvariantCulture);
            text.Append('\n').Append("# group ").Append(group).Append(": trunk ").Append(trunk.Name);
            if (!trunk.Active)
            {
                text.Append(" (inactive: no addresses)\n");
                continue;
            }
            text.Append(trunk.Acl.Count == 0 ? " (no ACL)\n" : "\n");
            foreach (var cidr in trunk.Acl)
            {
                foreach (var (network, mask) in Rows(cidr))
                {
                    text.Append(string.Create(CultureInfo.InvariantCulture, $"{group} {network} {mask} 0 {trunk.Name}\n"));
                }
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The rows of one CIDR. The module reads mask 0 as a single host (address.c reload_address_insert), so a /0 network
    /// becomes its two halves, /1 each. IPv6 addresses are written in brackets, as the module's sample file shows them.
    /// </summary>
    private static IEnumerable<(string Network, int Mask)> Rows(Cidr cidr)
    {
        var v6 = cidr.Network.AddressFamily == AddressFamily.InterNetworkV6;
        if (cidr.PrefixLength > 0)
        {
            yield return (Text(cidr.Network, v6), cidr.PrefixLength);
            yield break;
        }
        var upper = new byte[v6 ? 16 : 4];
        upper[0] = 0x80;
        yield return (Text(cidr.Network, v6), 1);
        yield return (Text(new IPAddress(upper), v6), 1);
    }

    private static string Text(IPAddress address, bool v6) => v6 ? $"[{address}]" : address.ToString();
}
