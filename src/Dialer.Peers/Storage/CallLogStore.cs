using Dapper;
using Dialer.Peers.Model;

namespace Dialer.Peers.Storage;

/// <summary>The carrier log in MariaDB: one row per trunk call.</summary>
public sealed class CallLogStore(PeerDatabase database)
{
    public async Task InsertAsync(IReadOnlyCollection<CallRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        // What a caller wrote may be longer than the columns: kept as far as they go, never a refused row.
        await BatchInsert.ExecuteAsync(connection, """
            INSERT INTO call_log (call_id, dialog_id, trunk, server, campaign, number, final_code, final_reason, setup_at, answered_at, ended_at, hangup_side)
            """, "ON DUPLICATE KEY UPDATE ended_at = VALUES(ended_at), hangup_side = VALUES(hangup_side)", records, r => [
            Cut(r.CallId, 255), r.DialogId, r.Trunk, Cut(r.Server, 300), r.Campaign is null ? null : Cut(r.Campaign, 64), Cut(r.Number, 64),
            r.FinalCode, Cut(r.FinalReason, 255), r.SetupAt.UtcDateTime, r.AnsweredAt?.UtcDateTime, r.EndedAt.UtcDateTime, r.HangupSide]);
    }

    private static string Cut(string value, int length) => value.Length > length ? value[..length] : value;

    public async Task<IReadOnlyList<CallRecord>> RecentAsync(string trunk, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(
            "SELECT * FROM call_log WHERE trunk = @trunk ORDER BY id DESC LIMIT @limit", new { trunk, limit });
        return rows.Select(r => new CallRecord
        {
            CallId = r.CallId,
            Trunk = r.Trunk,
            Campaign = r.Campaign,
            Number = r.Number,
            SetupAt = Utc(r.SetupAt),
            Server = r.Server,
            FinalCode = r.FinalCode,
            FinalReason = r.FinalReason,
            AnsweredAt = r.AnsweredAt is { } answered ? Utc(answered) : null,
            EndedAt = Utc(r.EndedAt),
            HangupSide = r.HangupSide,
        }).ToList();
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed class Row
    {
        public string CallId { get; set; } = "";
        public string Trunk { get; set; } = "";
        public string Server { get; set; } = "";
        public string? Campaign { get; set; }
        public string Number { get; set; } = "";
        public int FinalCode { get; set; }
        public string FinalReason { get; set; } = "";
        public DateTime SetupAt { get; set; }
        public DateTime? AnsweredAt { get; set; }
        public DateTime EndedAt { get; set; }
        public string HangupSide { get; set; } = "";
    }
}
