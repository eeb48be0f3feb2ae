using System.Globalization;
using System.Net;
using Dapper;
using Dialer.Peers.Model;

namespace Dialer.Peers.Storage;

/// <summary>Keeps location-service bindings in MariaDB; the edge writes behind and reloads them at start.</summary>
public sealed class BindingStore(PeerDatabase database)
{
    public async Task UpsertAsync(IReadOnlyCollection<Binding> bindings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        if (bindings.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await BatchInsert.ExecuteAsync(connection, """
            INSERT INTO registrations (extension, contact, protocol, source_ip, source_port, expires_at, q_millis, call_id, cseq, user_agent, registered_at, node)
            """, """
            ON DUPLICATE KEY UPDATE protocol = VALUES(protocol), source_ip = VALUES(source_ip), source_port = VALUES(source_port),
                expires_at = VALUES(expires_at), q_millis = VALUES(q_millis), call_id = VALUES(call_id), cseq = VALUES(cseq),
                user_agent = VALUES(user_agent), registered_at = VALUES(registered_at), node = VALUES(node)
            """, bindings, Row);
    }

    public async Task DeleteAsync(IReadOnlyCollection<(string Extension, string Contact)> bindings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        if (bindings.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        // One statement per chunk, not Dapper's one per element: a NAT'd call centre's expiries come in bursts.
        foreach (var chunk in bindings.Chunk(BatchInsert.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var pairs = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                parameters.Add($"e{i}", chunk[i].Extension);
                parameters.Add($"c{i}", chunk[i].Contact);
                pairs.Add($"(@e{i},@c{i})");
            }
            await connection.ExecuteAsync($"DELETE FROM registrations WHERE (extension, contact) IN ({string.Join(',', pairs)})", parameters);
        }
    }

    /// <summary>Bindings still valid at <paramref name="now"/>; rows expired before <paramref name="purgeBefore"/> (default: now) are deleted on the way.</summary>
    public async Task<IReadOnlyList<Binding>> LoadAsync(DateTimeOffset now, DateTimeOffset? purgeBefore = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM registrations WHERE expires_at <= @before", new { before = (purgeBefore ?? now).UtcDateTime });
        var rows = await connection.QueryAsync<BindingRow>("SELECT * FROM registrations WHERE expires_at > @now ORDER BY extension, registered_at",
            new { now = now.UtcDateTime });
        return [.. rows.Select(ToBinding)];
    }

    /// <summary>
    /// Rows changed at or after <paramref name="since"/> (the database's clock), expired ones included (another node
    /// removed them), with the database's time now, from which the next look starts.
    /// </summary>
    public async Task<(IReadOnlyList<Binding> Changed, DateTime Now)> ChangedSinceAsync(DateTime since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var now = await connection.ExecuteScalarAsync<DateTime>("SELECT CURRENT_TIMESTAMP(6)");
        var rows = await connection.QueryAsync<BindingRow>("SELECT * FROM registrations WHERE updated_at >= @since", new { since });
        return ([.. rows.Select(ToBinding)], now);
    }

    private static Binding ToBinding(BindingRow r) =>
        new(r.Extension, r.Contact, r.Protocol, new IPEndPoint(IPAddress.Parse(r.SourceIp), r.SourcePort),
            new DateTimeOffset(DateTime.SpecifyKind(r.ExpiresAt, DateTimeKind.Utc)), r.QMillis, r.CallId, r.CSeq, r.UserAgent,
            new DateTimeOffset(DateTime.SpecifyKind(r.RegisteredAt, DateTimeKind.Utc)), r.Node);

    private static object?[] Row(Binding binding) =>
    [
        binding.Extension, binding.Contact, binding.Protocol, binding.Source.Address.ToString(), binding.Source.Port, binding.ExpiresAt.UtcDateTime,
        binding.QMillis, binding.CallId, binding.CSeq, binding.UserAgent.Length > 255 ? binding.UserAgent[..255] : binding.UserAgent,
        binding.RegisteredAt.UtcDateTime, binding.Node,
    ];

    private sealed class BindingRow
    {
        public string Extension { get; set; } = "";
        public string Contact { get; set; } = "";
        public string Protocol { get; set; } = "";
        public string SourceIp { get; set; } = "";
        public int SourcePort { get; set; }
        public DateTime ExpiresAt { get; set; }
        public int QMillis { get; set; }
        public string CallId { get; set; } = "";
        public long CSeq { get; set; }
        public string UserAgent { get; set; } = "";
        public DateTime RegisteredAt { get; set; }
        public string Node { get; set; } = "";

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Extension} {Contact}");
    }
}
