using Dialer.Peers.Model;

namespace Dialer.Peers.Validation;

public static partial class PeerValidator
{
    private static List<TrunkServer> ServersFrom(ValidationErrors errors, List<TrunkServerInput>? input)
    {
        var servers = new List<TrunkServer>();
        if (input is null || input.Count == 0)
        {
            errors.Add("servers", "must list at least one trunk server");
            return servers;
        }
        if (input.Count > 32)
        {
            errors.Add("servers", "must list at most 32 trunk servers");
        }
        for (var i = 0; i < input.Count; i++)
        {
            var server = ServerFrom(errors, $"servers[{i}]", input[i]);
            if (server is null)
            {
                continue;
            }
            if (servers.Any(s => s.Host == server.Host && s.Port == server.Port && s.Transport == server.Transport))
            {
                errors.Add($"servers[{i}]", $"{server.Host} port {server.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(SRV)"} over {WireNames.Of(server.Transport)} is listed twice");
            }
            servers.Add(server);
        }
        return servers;
    }

    private static TrunkServer? ServerFrom(ValidationErrors errors, string path, TrunkServerInput? input)
    {
        if (input is null)
        {
            errors.Add(path, "must be a trunk server object");
            return null;
        }
        Rules.Host(errors, $"{path}.host", input.Host, required: true);
        Rules.Range(errors, $"{path}.port", input.Port, 1, 65_535);
        var transport = SipTransport.Udp;
        if (input.Transport is not null && !WireNames.TryParse(input.Transport, out transport))
        {
            errors.Add($"{path}.transport", "must be one of udp, tcp, tls");
        }
        var scheme = SipScheme.Sip;
        if (input.Scheme is not null && !WireNames.TryParse(input.Scheme, out scheme))
        {
            errors.Add($"{path}.scheme", "must be one of sip, sips");
        }
        if (scheme == SipScheme.Sips && transport != SipTransport.Tls)
        {
            errors.Add($"{path}.scheme", "sips needs transport tls (RFC 3261 §26.2.2)");
        }
        var proxy = input.OutboundProxy ?? "";
        if (proxy.Length > 0 && !IsProxy(proxy))
        {
            errors.Add($"{path}.outboundProxy", "must be host[:port] or sip:host[:port]");
        }
        var dnsOrder = DnsOrder.Rfc3263;
        if (input.DnsOrder is not null && !WireNames.TryParse(input.DnsOrder, out dnsOrder))
        {
            errors.Add($"{path}.dnsOrder", "must be one of rfc3263, a-first");
        }
        Rules.Range(errors, $"{path}.priority", input.Priority, 0, 65_535);
        Rules.Range(errors, $"{path}.weight", input.Weight, 0, 65_535);
        return new TrunkServer(Rules.NormalizeHost(input.Host ?? ""), input.Port, transport, scheme, proxy,
            input.Priority ?? 1, input.Weight ?? 1, input.Active ?? true, dnsOrder);
    }

    private static bool IsProxy(string text) => ProxyAddress.TrySplit(text, out var host, out _) && Rules.IsHost(host);
}
