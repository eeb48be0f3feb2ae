using System.Text.RegularExpressions;

namespace Dialer.Testing;

/// <summary>
/// SIPp scenario templates under the test's Sipp/ folder with their {placeholders} filled in. A placeholder left
/// unfilled fails at once, naming it, instead of reaching SIPp as text and failing the call in some obscure way.
/// </summary>
public static partial class SippScenario
{
    /// <param name="name">The template's name without .xml.</param>
    /// <param name="values">Placeholder names (without braces) and their values.</param>
    public static string Load(string name, params (string Key, string Value)[] values)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sipp", name + ".xml"));
        foreach (var (key, value) in values)
        {
            text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        }
        var left = Placeholder().Matches(text).Select(m => m.Value).Distinct().ToList();
        if (left.Count > 0)
        {
            throw new ArgumentException($"SIPp scenario {name}: {string.Join(", ", left)} not filled in", nameof(values));
        }
        return text;
    }

    // SIPp's own keywords are [bracketed]; braces are only ours.
    [GeneratedRegex(@"\{[A-Za-z][A-Za-z0-9]*\}")]
    private static partial Regex Placeholder();
}
