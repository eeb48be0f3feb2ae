using System.Net;
using System.Text;
using Dialer.Edge.Trunks;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Dialer.Sip.Transport;

namespace Dialer.Edge.Dialogs;

/// <summary>Dialogs to stored rows and back (sql/009_dialogs.sql), so a restarted edge keeps its calls.</summary>
public static class DialogRecords
{
    public static DialogRow ToRow(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        var legs = new StringBuilder();
        foreach (var leg in dialog.Legs.Where(l => l.Confirmed && !l.Ended))
        {
            legs.Append(leg.Tag).Append('\t').Append(Text(leg.Party.Source)).Append('\t').Append(Text(leg.Party.Target)).Append('\n');
        }
        return new DialogRow
        {
            Id = dialog.Id,
            CallId = dialog.CallId,
            CallerTag = dialog.CallerTag,
            Kind = dialog.Kind == DialogKind.Trunk ? "trunk" : "extension",
            Trunk = dialog.Trunk?.Name,
            Campaign = dialog.Campaign is { Length: > 64 } campaign ? campaign[..64] : dialog.Campaign,
            Reserved = dialog.Lease?.Reserved ?? false,
            Number = dialog.Number.Length > 64 ? dialog.Number[..64] : dialog.Number,
            CallerSource = Text(dialog.Caller.Source),
            CallerTarget = Text(dialog.Caller.Target),
            Legs = legs.ToString(),
            Server = dialog.Record?.Server ?? "",
            SetupAt = dialog.CreatedAt.UtcDateTime,
            AnsweredAt = dialog.ConfirmedAt?.UtcDateTime,
            ExpiresAt = dialog.ExpiresAt.UtcDateTime,
        };
    }

    /// <summary>Brings a stored dialog back into <paramref name="table"/>, its channel charged again on its trunk.</summary>
    /// <returns>False when the row cannot be read (it is then dropped).</returns>
    public static bool Restore(DialogRow row, DialogTable table, ChannelLedger ledger, PeerSnapshot peers)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(peers);
        if (!TryParse(row.CallerSource, out var callerSource) || !TryParse(row.CallerTarget, out var callerTarget))
        {
            return false;
        }
        var legs = new List<(string, DialogParty)>();
        foreach (var line in row.Legs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length == 3 && TryParse(parts[1], out var source) && TryParse(parts[2], out var target))
            {
                legs.Add((parts[0], new DialogParty(source, target)));
            }
        }
        var trunk = row.Trunk is not null && peers.Trunks.TryGetValue(row.Trunk, out var known) ? known : null;
        ChannelLease? lease = null;
        CallRecord? record = null;
        if (row.Kind == "trunk" && row.Trunk is not null)
        {
            record = new CallRecord
            {
                CallId = row.CallId,
                DialogId = row.Id,
                Trunk = row.Trunk,
                Campaign = row.Campaign,
                Number = row.Number,
                SetupAt = Utc(row.SetupAt),
                Server = row.Server,
                FinalCode = 200,
                FinalReason = "OK",
                AnsweredAt = row.AnsweredAt is { } answered ? Utc(answered) : null,
            };
            if (trunk is not null)
            {
                lease = ledger.For(trunk.Name).Restore(trunk, row.Campaign, row.Reserved);
                lease.Record = record;
            }
        }
        var start = new DialogStart(Encoding.ASCII.GetBytes(row.CallId), row.CallerTag, row.Kind == "trunk" ? DialogKind.Trunk : DialogKind.Extension,
            new DialogParty(callerSource, callerTarget))
        {
            Trunk = trunk,
            Campaign = row.Campaign,
            Number = row.Number,
            Lease = lease,
            Record = record,
        };
        table.Restore(row.Id, start, Utc(row.ExpiresAt), legs, row.AnsweredAt is { } at ? Utc(at) : null);
        return true;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static string Text(SipEndpoint endpoint) => endpoint.ToString();

    private static bool TryParse(string text, out SipEndpoint endpoint)
    {
        endpoint = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !IPEndPoint.TryParse(text[(colon + 1)..], out var address))
        {
            return false;
        }
        var protocol = text[..colon].ToLowerInvariant() switch
        {
            "tcp" => SipProtocol.Tcp,
            "tls" => SipProtocol.Tls,
            _ => SipProtocol.Udp,
        };
        endpoint = new SipEndpoint(protocol, address);
        return string.Equals(text[..colon], "udp", StringComparison.OrdinalIgnoreCase) || protocol != SipProtocol.Udp;
    }
}
