using Dapper;
using Dialer.Peers.Health;
using Dialer.Peers.Model;

namespace Dialer.Peers.Storage;

/// <summary>The cluster's shared probe outcomes and call failures (sql/005_health_cluster.sql), in database order.</summary>
public sealed class HealthObservationStore(PeerDatabase database)
{
    /// <summary>Stores an observation stamped with the database's clock; returns its id.</summary>
    public async Task<long> AppendAsync(HealthObservation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observation);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO health_observations (trunk, host, port, transport, alive, passive, code, rtt_ms, cause, node, created_at)
            VALUES (@Trunk, @Host, @Port, @Transport, @Alive, @Passive, @Code, @RttMs, @Cause, @Node, UTC_TIMESTAMP(6));
            SELECT LAST_INSERT_ID();
            """, new
        {
            observation.Server.Trunk,
            observation.Server.Host,
            observation.Server.Port,
            Transport = WireNames.Of(observation.Server.Transport),
            observation.Alive,
            observation.Passive,
            observation.Code,
            observation.RttMs,
            Cause = observation.Cause.Length > 500 ? observation.Cause[..500] : observation.Cause,
            Node = observation.Node.Length > 200 ? observation.Node[..200] : observation.Node,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>The database's clock now, and every observation stored at or after <paramref name="since"/>, oldest first.</summary>
    public async Task<(DateTimeOffset Now, IReadOnlyList<HealthObservation> Observations)> SinceAsync(DateTimeOffset since,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            SELECT UTC_TIMESTAMP(6);
            SELECT id, trunk, host, port, transport, alive, passive, code, rtt_ms AS RttMs, cause, node, created_at AS CreatedAt
            FROM health_observations WHERE created_at >= @since ORDER BY id;
            """, new { since = since.UtcDateTime }, cancellationToken: cancellationToken));
        var now = Utc(await results.ReadSingleAsync<DateTime>());
        var rows = await results.ReadAsync<Row>();
        return (now, [.. rows.Select(ToObservation)]);
    }

    private static HealthObservation ToObservation(Row row)
    {
        var transport = WireNames.TryParse(row.Transport, out SipTransport parsed) ? parsed : SipTransport.Udp;
        return new HealthObservation(new TrunkServerKey(row.Trunk, row.Host, row.Port, transport), row.Alive, row.Passive, row.Code, row.RttMs, row.Cause)
        {
            Id = row.Id,
            At = Utc(row.CreatedAt),
            Node = row.Node,
        };
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed class Row
    {
        public long Id { get; set; }
        public string Trunk { get; set; } = "";
        public string Host { get; set; } = "";
        public int? Port { get; set; }
        public string Transport { get; set; } = "";
        public bool Alive { get; set; }
        public bool Passive { get; set; }
        public int? Code { get; set; }
        public double? RttMs { get; set; }
        public string Cause { get; set; } = "";
        public string Node { get; set; } = "";
        public DateTime CreatedAt { get; set; }
    }
}
