using System.Text;

namespace Dialer.Sip.Auth;

/// <summary>
/// The auth-params of a Digest challenge or credentials (RFC 3261 §25.1, RFC 7616 §3.3-3.4):
/// "Digest" then comma-separated name=value pairs, values as tokens or quoted strings.
/// </summary>
public sealed class DigestParameters
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    public static bool TryParse(string? header, out DigestParameters parameters)
    {
        parameters = new DigestParameters();
        if (header is null)
        {
            return false;
        }
        var text = header.Trim();
        if (!text.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || text.Length < 7 || !char.IsWhiteSpace(text[6]))
        {
            return false;
        }
        var p = 7;
        while (p < text.Length)
        {
            while (p < text.Length && (char.IsWhiteSpace(text[p]) || text[p] == ','))
            {
                p++;
            }
            if (p >= text.Length)
            {
                break;
            }
            var equals = text.IndexOf('=', p);
            if (equals < 0)
            {
                return false;
            }
            var name = text[p..equals].Trim();
            p = equals + 1;
            while (p < text.Length && char.IsWhiteSpace(text[p]))
            {
                p++;
            }
            if (name.Length == 0 || !TryValue(text, ref p, out var value) || !parameters._values.TryAdd(name, value))
            {
                return false;
            }
        }
        return parameters._values.Count > 0;
    }

    private static bool TryValue(string text, ref int p, out string value)
    {
        value = "";
        if (p < text.Length && text[p] == '"')
        {
            var builder = new StringBuilder();
            for (p++; p < text.Length; p++)
            {
                if (text[p] == '\\' && p + 1 < text.Length)
                {
                    builder.Append(text[++p]);
                }
                else if (text[p] == '"')
                {
                    p++;
                    value = builder.ToString();
                    return true;
                }
                else
                {
                    builder.Append(text[p]);
                }
            }
            return false;
        }
        var end = text.IndexOf(',', p);
        value = (end < 0 ? text[p..] : text[p..end]).Trim();
        p = end < 0 ? text.Length : end;
        return value.Length > 0;
    }

    /// <summary>Quotes a value for a header (RFC 3261 §25.1 quoted-string).</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
