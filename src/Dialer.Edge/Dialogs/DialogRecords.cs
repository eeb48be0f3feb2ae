using System.Globalization;
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
        var paths = new StringBuilder();
        foreach (var leg in dialog.Legs.Where(l => l.Confirmed && !l.Ended))
        {
            legs.Append(leg.Tag).Append('\t').Append(Text(leg.Party.Source)).Append('\t').Append(Text(leg.Party.Target))
                .Append('\t').Append(leg.CSeq.ToString(CultureInfo.InvariantCulture)).Append('\n');
            if (leg.Paths is var (towardsCaller, towardsCallee))
            {
                paths.Append(leg.Tag);
                Append(paths, towardsCaller);
                Append(paths, towardsCallee);
                paths.Append('\n');
            }
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
            Paths = paths.Length == 0 ? null : paths.ToString(),
            CallerCSeq = dialog.CallerCSeq,
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
        if (!TryRead(row, peers, out var caller, out var legs, out var trunk))
        {
            return false;
        }
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
        var start = new DialogStart(Encoding.ASCII.GetBytes(row.CallId), row.CallerTag, row.Kind == "trunk" ? DialogKind.Trunk : DialogKind.Extension, caller)
        {
            Trunk = trunk,
            Campaign = row.Campaign,
            Number = row.Number,
            Lease = lease,
            Record = record,
            CSeq = row.CallerCSeq,
        };
        table.Restore(row.Id, start, Utc(row.ExpiresAt), legs, row.AnsweredAt is { } at ? Utc(at) : null);
        return true;
    }

    /// <summary>
    /// Another node's stored dialog as a dialog of its own, held by no table and charging no channel: enough to check an
    /// in-dialog request's tags and source and to relay it (<see cref="ClusterDialogs"/>); null when the row cannot be read.
    /// </summary>
    public static Dialog? Guest(DialogRow row, DialogTable table, PeerSnapshot peers)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(peers);
        if (!TryRead(row, peers, out var caller, out var legs, out var trunk))
        {
            return null;
        }
        var start = new DialogStart(Encoding.ASCII.GetBytes(row.CallId), row.CallerTag, row.Kind == "trunk" ? DialogKind.Trunk : DialogKind.Extension, caller)
        {
            Trunk = trunk,
            Campaign = row.Campaign,
            Number = row.Number,
            CSeq = row.CallerCSeq,
        };
        return table.Guest(row.Id, start, legs, row.AnsweredAt is { } at ? Utc(at) : null);
    }

    private static bool TryRead(DialogRow row, PeerSnapshot peers, out DialogParty caller, out List<RestoredLeg> legs, out Trunk? trunk)
    {
        legs = [];
        trunk = row.Trunk is not null && peers.Trunks.TryGetValue(row.Trunk, out var known) ? known : null;
        if (!TryParse(row.CallerSource, out var callerSource) || !TryParse(row.CallerTarget, out var callerTarget))
        {
            caller = null!;
            return false;
        }
        caller = new DialogParty(callerSource, callerTarget);
        var paths = ReadPaths(row.Paths);
        foreach (var line in row.Legs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length is 3 or 4 && TryParse(parts[1], out var source) && TryParse(parts[2], out var target))
            {
                var cseq = parts.Length == 4 && uint.TryParse(parts[3], CultureInfo.InvariantCulture, out var seen) ? seen : 0;
                legs.Add(new RestoredLeg(parts[0], new DialogParty(source, target), paths.GetValueOrDefault(parts[0]), cseq));
            }
        }
        return true;
    }

    /// <summary>A path as tab-separated fields: target, From, To, the number of routes, the routes.</summary>
    private static void Append(StringBuilder text, DialogPath path)
    {
        text.Append('\t').Append(path.Uri).Append('\t').Append(path.From).Append('\t').Append(path.To)
            .Append('\t').Append(path.Route.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var route in path.Route)
        {
            text.Append('\t').Append(route);
        }
    }

    private static Dictionary<string, (DialogPath, DialogPath)> ReadPaths(string? text)
    {
        var paths = new Dictionary<string, (DialogPath, DialogPath)>(StringComparer.Ordinal);
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            var at = 1;
            if (ReadPath(fields, ref at) is { } towardsCaller && ReadPath(fields, ref at) is { } towardsCallee)
            {
                paths[fields[0]] = (towardsCaller, towardsCallee);
            }
        }
        return paths;
    }

    private static DialogPath? ReadPath(string[] fields, ref int at)
    {
        if (fields.Length < at + 4 || !int.TryParse(fields[at + 3], CultureInfo.InvariantCulture, out var routes) || routes < 0
            || fields.Length < at + 4 + routes)
        {
            return null;
        }
        var path = new DialogPath(fields[at], fields[at + 1], fields[at + 2], fields[(at + 4)..(at + 4 + routes)]);
        at += 4 + routes;
        return path;
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
