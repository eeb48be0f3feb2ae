using System.Data;
using Dapper;
using Dialer.Peers.Security;
using Dialer.Peers.Model;

namespace Dialer.Peers.Storage;

public sealed partial class PeerRepository
{
    private const string TrunkColumns = """
        id, name, description, channel_cap, cps_cap, codecs, dial_prefix, auth_username, auth_secret,
        call_origin_header, ruri_strip, ruri_prefix, ruri_params, from_user, from_domain, probe_interval_s,
        probe_timeout_ms, probe_fail_threshold, probe_recover_threshold, probe_lag_ms, probe_alive_codes, tls_ca_file, tls_skip_verify, tls_server_name, active, row_version
        """;

    /// <summary>Loads the ACL and servers of the given trunk rows in two queries, whatever their number.</summary>
    private async Task<List<Trunk>> ToTrunksAsync(IDbConnection connection, IDbTransaction? transaction, IReadOnlyList<TrunkRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = rows.Select(r => r.Id).ToArray();
        var acl = (await connection.QueryAsync<(long TrunkId, string Cidr)>(
            "SELECT trunk_id, cidr FROM trunk_acl WHERE trunk_id IN @ids ORDER BY trunk_id, position", new { ids }, transaction))
            .ToLookup(a => a.TrunkId, a => Cidr.Parse(a.Cidr));
        var servers = (await connection.QueryAsync<ServerRow>(
            """
            SELECT trunk_id, host, port, transport, scheme, outbound_proxy, dns_order, priority, weight, active
            FROM trunk_servers WHERE trunk_id IN @ids ORDER BY trunk_id, position
            """, new { ids }, transaction))
            .ToLookup(s => s.TrunkId, s => s.ToServer());
        return rows.Select(r => r.ToTrunk([.. acl[r.Id]], [.. servers[r.Id]], OpenSecret(r))).ToList();
    }

    private TrunkAuth? OpenSecret(TrunkRow row)
    {
        if (row.AuthUsername is null)
        {
            return null;
        }
        try
        {
            return new TrunkAuth(row.AuthUsername, row.AuthSecret is null ? null : secrets.Unprotect(row.AuthSecret, SecretContext(row.Name)));
        }
        catch (System.Security.Cryptography.CryptographicException error)
        {
            throw new SecretUnreadableException(
                $"the secret of trunk {row.Name} does not decrypt with the configured key (Dialer:Secrets:Key or KeyFile); " +
                "restore the key that encrypted it, or set the trunk's auth password again", error);
        }
    }

    private static string SecretContext(string trunkName) => "trunk:" + trunkName.ToLowerInvariant();

    private static async Task WriteTrunkChildrenAsync(IDbConnection connection, IDbTransaction transaction, long trunkId, Trunk trunk)
    {
        await connection.ExecuteAsync("DELETE FROM trunk_acl WHERE trunk_id = @trunkId", new { trunkId }, transaction);
        await connection.ExecuteAsync("DELETE FROM trunk_servers WHERE trunk_id = @trunkId", new { trunkId }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO trunk_acl (trunk_id, position, cidr) VALUES (@trunkId, @position, @cidr)",
            trunk.Acl.Select((cidr, position) => new { trunkId, position, cidr = cidr.ToString() }), transaction);
        await connection.ExecuteAsync("""
            INSERT INTO trunk_servers (trunk_id, position, host, port, transport, scheme, outbound_proxy, dns_order, priority, weight, active)
            VALUES (@trunkId, @position, @Host, @Port, @Transport, @Scheme, @OutboundProxy, @DnsOrder, @Priority, @Weight, @Active)
            """,
            trunk.Servers.Select((s, position) => new
            {
                trunkId,
                position,
                s.Host,
                s.Port,
                Transport = WireNames.Of(s.Transport),
                Scheme = WireNames.Of(s.Scheme),
                s.OutboundProxy,
                DnsOrder = WireNames.Of(s.DnsOrder),
                s.Priority,
                s.Weight,
                s.Active,
            }), transaction);
    }

    private static object TrunkArgs(Trunk trunk, byte[]? secret, long version) => new
    {
        trunk.Name,
        trunk.Description,
        trunk.ChannelCap,
        trunk.CpsCap,
        Codecs = JoinCodecs(trunk.Codecs),
        trunk.DialPrefix,
        AuthUsername = trunk.Auth?.Username,
        AuthSecret = secret,
        CallOriginHeader = WireNames.Of(trunk.CallOriginHeader),
        RuriStrip = trunk.RuriTransform.Strip,
        RuriPrefix = trunk.RuriTransform.Prefix,
        RuriParams = trunk.RuriTransform.Params,
        trunk.FromUser,
        trunk.FromDomain,
        ProbeIntervalS = trunk.Probe.IntervalSeconds,
        ProbeTimeoutMs = trunk.Probe.TimeoutMs,
        ProbeFailThreshold = trunk.Probe.FailThreshold,
        ProbeRecoverThreshold = trunk.Probe.RecoverThreshold,
        ProbeLagMs = trunk.Probe.LagMs,
        ProbeAliveCodes = trunk.Probe.AliveCodes,
        TlsCaFile = trunk.Tls.CaFile,
        TlsSkipVerify = trunk.Tls.SkipVerify,
        TlsServerName = trunk.Tls.ServerName,
        trunk.Active,
        version,
    };

    private sealed class TrunkRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public int ChannelCap { get; set; }
        public int CpsCap { get; set; }
        public string Codecs { get; set; } = "";
        public string DialPrefix { get; set; } = "";
        public string? AuthUsername { get; set; }
        public byte[]? AuthSecret { get; set; }
        public string CallOriginHeader { get; set; } = "";
        public int RuriStrip { get; set; }
        public string RuriPrefix { get; set; } = "";
        public string RuriParams { get; set; } = "";
        public string FromUser { get; set; } = "";
        public string FromDomain { get; set; } = "";
        public int ProbeIntervalS { get; set; }
        public int ProbeTimeoutMs { get; set; }
        public int ProbeFailThreshold { get; set; }
        public int ProbeRecoverThreshold { get; set; }
        public int ProbeLagMs { get; set; }
        public string ProbeAliveCodes { get; set; } = "";
        public string TlsCaFile { get; set; } = "";
        public bool TlsSkipVerify { get; set; }
        public string TlsServerName { get; set; } = "";
        public bool Active { get; set; }
        public long RowVersion { get; set; }

        public Trunk ToTrunk(IReadOnlyList<Cidr> acl, IReadOnlyList<TrunkServer> servers, TrunkAuth? auth)
        {
            var origin = WireNames.Stored<Model.CallOriginHeader>(CallOriginHeader, WireNames.TryParse);
            return new Trunk(Name, Description, ChannelCap, CpsCap, SplitCodecs(Codecs), DialPrefix, acl, auth, origin,
                new RuriTransform(RuriStrip, RuriPrefix, RuriParams), FromUser, FromDomain,
                new ProbePolicy(ProbeIntervalS, ProbeTimeoutMs, ProbeFailThreshold, ProbeRecoverThreshold, ProbeLagMs, ProbeAliveCodes),
                servers, Active, RowVersion)
            {
                Tls = new TrunkTls(TlsCaFile, TlsSkipVerify, TlsServerName),
            };
        }
    }

    private sealed class ServerRow
    {
        public long TrunkId { get; set; }
        public string Host { get; set; } = "";
        public int? Port { get; set; }
        public string Transport { get; set; } = "";
        public string Scheme { get; set; } = "";
        public string OutboundProxy { get; set; } = "";
        public string DnsOrder { get; set; } = "";
        public int Priority { get; set; }
        public int Weight { get; set; }
        public bool Active { get; set; }

        public TrunkServer ToServer()
        {
            var transport = WireNames.Stored<SipTransport>(Transport, WireNames.TryParse);
            var scheme = WireNames.Stored<SipScheme>(Scheme, WireNames.TryParse);
            var dnsOrder = WireNames.Stored<Model.DnsOrder>(DnsOrder, WireNames.TryParse);
            return new TrunkServer(Host, Port, transport, scheme, OutboundProxy, Priority, Weight, Active, dnsOrder);
        }
    }
}
