using System.Globalization;
using System.Text;
using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>
/// Kamailio 5.6's dispatcher.list (modparam list_file): per line "setid destination flags priority attrs"
/// (dispatcher module docs, "File Format"), one set per trunk, one line per active trunk server.
/// </summary>
public static class KamailioDispatcher
{
    /// <summary>Flag 8: probe the destination with OPTIONS; the edge probes every trunk server (ProbePolicy).</summary>
    public const int ProbingFlag = 8;

    /// <summary>Flag 16: no A/AAAA lookup at start, for hosts that are SRV (or NAPTR) names only.</summary>
    public const int SkipDnsFlag = 16;

    public static string Render(IEnumerable<Trunk> trunks)
    {
        ArgumentNullException.ThrowIfNull(trunks);
        var text = new StringBuilder();
        text.Append("# dispatcher.list for Kamailio's dispatcher module (modparam list_file), written by `dialer export kamailio`.\n")
            .Append("# One set per trunk, numbered 1..N by trunk name; the permissions address file uses the same numbers as groups.\n")
            .Append("# Line: setid destination flags priority attrs\n")
            .Append("#   flags: 8 = probe with OPTIONS, as the edge does; +16 = port found by DNS SRV, no A/AAAA lookup at start.\n")
            .Append("#   priority: Kamailio tries the highest first, Dialer the lowest first; converted, so the same server leads.\n")
            .Append("#   attrs: duid = trunk-N (N-th server of the trunk); weight = percent of calls among the servers of the leading\n")
            .Append("#     priority (ds_select_dst algorithm 9); the others carry no weight and take calls on failover (ds_next_dst);\n")
            .Append("#     obproxy = the server's outbound proxy (Kamailio uses it for OPTIONS only; calls need $du set to it).\n")
            .Append("# ds_select_dst(\"SETID\", \"8\") takes servers in priority order. IPv6 destinations need an IPv6 listen socket.\n");
        foreach (var (setId, trunk) in KamailioSets.Number(trunks))
        {
            Set(text, setId, trunk);
        }
        return text.ToString();
    }

    private static void Set(StringBuilder text, int setId, Trunk trunk)
    {
        var id = setId.ToString(CultureInfo.InvariantCulture);
        text.Append('\n').Append("# set ").Append(id).Append(": trunk ").Append(trunk.Name);
        if (!trunk.Active)
        {
            text.Append(" (inactive: no destinations)\n");
            return;
        }
        // CPS cap 0 means none (CpsBucket).
        text.Append(string.Create(CultureInfo.InvariantCulture, $" (channel cap {trunk.ChannelCap}, {(trunk.CpsCap > 0 ? $"{trunk.CpsCap} calls/s" : "no calls/s cap")}"))
            .Append(trunk.DialPrefix.Length > 0 ? ", dialPrefix " + trunk.DialPrefix : "").Append(")\n");
        var active = trunk.Servers.Where(s => s.Active).ToList();
        var priorities = active.Select(s => s.Priority).Distinct().Order().ToList();
        Dictionary<TrunkServer, int> weights = active.Count == 0 ? [] : LeadingWeights(active, priorities[0]);
        for (var i = 0; i < trunk.Servers.Count; i++)
        {
            var server = trunk.Servers[i];
            var position = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (!server.Active)
            {
                text.Append("# ").Append(Destination(server)).Append(" is inactive\n");
                continue;
            }
            var flags = ProbingFlag | (server.Port is null ? SkipDnsFlag : 0);
            // Kamailio orders a set by priority, highest first (dispatch.c add_dest2list + reindex_dests).
            var priority = priorities.Count - priorities.IndexOf(server.Priority);
            var attrs = $"duid={trunk.Name}-{position}";
            if (weights.TryGetValue(server, out var weight))
            {
                attrs += string.Create(CultureInfo.InvariantCulture, $";weight={weight}");
            }
            if (server.OutboundProxy.Length > 0)
            {
                attrs += ";obproxy=" + ProxyUri(server.OutboundProxy);
            }
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{id} {Destination(server)} {flags} {priority} {attrs}\n"));
        }
        if (active.Count == 0)
        {
            text.Append("# (no active server)\n");
        }
    }

    /// <summary>The server as a SIP URI: sip:host:port;transport=udp|tcp|tls, or sips:host:port (TLS by its scheme).</summary>
    public static string Destination(TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var host = server.Host.Contains(':', StringComparison.Ordinal) ? $"[{server.Host}]" : server.Host;
        var port = server.Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "";
        return server.Scheme == SipScheme.Sips
            ? $"sips:{host}{port}"
            : $"sip:{host}{port};transport={WireNames.Of(server.Transport)}";
    }

    private static string ProxyUri(string proxy) =>
        proxy.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || proxy.StartsWith("sips:", StringComparison.OrdinalIgnoreCase) ? proxy : "sip:" + proxy;

    /// <summary>
    /// Kamailio's weight attribute is a percentage (1-100, summing to at most 100) over the set; ours are relative
    /// weights within a priority (RFC 2782). The servers of the leading priority share 100 by their weights (largest
    /// remainder; all zero means equal shares; none below 1, since weight 0 drops a destination from weighting).
    /// </summary>
    internal static Dictionary<TrunkServer, int> LeadingWeights(IReadOnlyList<TrunkServer> active, int leadingPriority)
    {
        var group = active.Where(s => s.Priority == leadingPriority).ToList();
        var raw = group.Select(s => (long)s.Weight).ToList();
        if (raw.Sum() == 0)
        {
            raw = [.. group.Select(_ => 1L)];
        }
        var total = raw.Sum();
        var shares = raw.Select(w => (int)(w * 100 / total)).ToList();
        var byRemainder = Enumerable.Range(0, group.Count).OrderByDescending(i => raw[i] * 100 % total).ThenBy(i => i).ToList();
        for (var k = 0; shares.Sum() < 100; k++)
        {
            shares[byRemainder[k % group.Count]]++;
        }
        for (var i = 0; i < shares.Count; i++)
        {
            if (shares[i] == 0)
            {
                shares[i] = 1;
                var largest = shares.IndexOf(shares.Max());
                shares[largest]--;
            }
        }
        var weights = new Dictionary<TrunkServer, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < group.Count; i++)
        {
            weights[group[i]] = shares[i];
        }
        return weights;
    }
}
