using System.Text;

namespace Dialer.Campaigns.Leads;

/// <summary>
/// Reads a lead file: CSV (RFC 4180 quoting), UTF-8. A first row naming a "phone" or "number" column is a header and
/// names the other columns ("name" is the lead's name, the rest are kept as fields); without one the first column
/// is the number and the second the name. Spaces, dashes, dots and parentheses in a number are dropped. Bad rows (no number, a number with other than digits and an optional
/// leading +, too short or too long, not UTF-8, a broken quote, a number already seen) are reported with their
/// line number and skipped; reading never throws on content.
/// </summary>
public static class LeadFile
{
    public const int MinDigits = 3;
    public const int MaxDigits = 20;
    private const int MaxLineBytes = 8192;
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public sealed record Result(IReadOnlyList<Lead> Leads, IReadOnlyList<LeadProblem> Problems);

    public static async Task<Result> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        Parse(await File.ReadAllBytesAsync(path, cancellationToken));

    public static Result Parse(ReadOnlySpan<byte> content)
    {
        var leads = new List<Lead>();
        var problems = new List<LeadProblem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        string[]? header = null;
        var numberColumn = 0;
        var nameColumn = 1;
        var lineNumber = 0;
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }
        while (!content.IsEmpty)
        {
            lineNumber++;
            var end = content.IndexOf((byte)'\n');
            var raw = end < 0 ? content : content[..end];
            content = end < 0 ? [] : content[(end + 1)..];
            if (raw.EndsWith("\r"u8))
            {
                raw = raw[..^1];
            }
            if (raw.IsEmpty)
            {
                continue;
            }
            if (raw.Length > MaxLineBytes)
            {
                problems.Add(new LeadProblem(lineNumber, $"line longer than {MaxLineBytes} bytes"));
                continue;
            }
            string text;
            try
            {
                text = s_strict.GetString(raw);
            }
            catch (DecoderFallbackException)
            {
                problems.Add(new LeadProblem(lineNumber, "not valid UTF-8"));
                continue;
            }
            if (!TrySplit(text, out var cells))
            {
                problems.Add(new LeadProblem(lineNumber, "unbalanced quotes"));
                continue;
            }
            if (header is null && leads.Count == 0 && problems.Count == 0 && IsHeader(cells, out numberColumn, out nameColumn))
            {
                header = [.. cells.Select(c => c.Trim().ToLowerInvariant())];
                continue;
            }
            var written = numberColumn < cells.Count ? cells[numberColumn].Trim() : "";
            var number = Normalize(written);
            if (Check(number, written) is { } wrong)
            {
                problems.Add(new LeadProblem(lineNumber, wrong));
                continue;
            }
            if (!seen.TryAdd(number, lineNumber))
            {
                problems.Add(new LeadProblem(lineNumber, $"number {number} already on line {seen[number]}"));
                continue;
            }
            var name = nameColumn >= 0 && nameColumn < cells.Count ? cells[nameColumn].Trim() : "";
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < cells.Count; i++)
            {
                if (i != numberColumn && i != nameColumn && cells[i].Length > 0)
                {
                    fields[header is not null && i < header.Length ? header[i] : $"column{i + 1}"] = cells[i];
                }
            }
            leads.Add(new Lead(lineNumber, number, name.Length > 200 ? name[..200] : name, fields));
        }
        return new Result(leads, problems);
    }

    /// <summary>
    /// The number without the separators people write in lists ("(512) 555-0100", "512.555.0100", "512 555 0100"),
    /// as VICIdial's lead loader keeps digits only; anything else is left for <see cref="Check"/> to refuse.
    /// </summary>
    public static string Normalize(string written)
    {
        ArgumentNullException.ThrowIfNull(written);
        var trimmed = written.Trim();
        return trimmed.Any(c => c is ' ' or '-' or '.' or '(' or ')')
            ? new string([.. trimmed.Where(c => c is not (' ' or '-' or '.' or '(' or ')'))])
            : trimmed;
    }

    /// <summary>Why <paramref name="number"/> cannot be dialled, or null when it can; messages quote it as <paramref name="written"/>.</summary>
    public static string? Check(string number, string? written = null)
    {
        ArgumentNullException.ThrowIfNull(number);
        var shown = Printable(written ?? number);
        if (number.Length == 0)
        {
            return "no phone number";
        }
        var digits = number.StartsWith('+') ? number[1..] : number;
        if (!digits.All(char.IsAsciiDigit))
        {
            return $"number '{shown}' has characters other than digits (and a leading +)";
        }
        return digits.Length switch
        {
            < MinDigits => $"number {shown} is shorter than {MinDigits} digits",
            > MaxDigits => $"number {shown} is longer than {MaxDigits} digits",
            _ => null,
        };
    }

    private static string Printable(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length > 40 ? clean[..40] + "..." : clean;
    }

    private static bool IsHeader(List<string> cells, out int number, out int name)
    {
        var names = cells.Select(c => c.Trim().ToLowerInvariant()).ToList();
        number = names.FindIndex(n => n is "phone" or "number" or "phone_number" or "phonenumber");
        name = names.FindIndex(n => n is "name" or "full_name");
        if (number >= 0)
        {
            return true;
        }
        number = 0;
        name = 1;
        return false;
    }

    /// <summary>Splits one CSV line; false on an unterminated quote.</summary>
    private static bool TrySplit(string line, out List<string> cells)
    {
        cells = [];
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }
        cells.Add(cell.ToString());
        return !quoted;
    }
}
