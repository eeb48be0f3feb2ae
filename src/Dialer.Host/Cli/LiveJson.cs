using System.Globalization;
using System.Text.Json;

namespace Dialer.Host.Cli;

/// <summary>Reading the admin API's JSON into table cells: a missing or null field is "-".</summary>
public static class LiveJson
{
    public static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? Cell(value) : "-";

    public static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    public static IEnumerable<JsonElement> Items(JsonElement element, string? name = null)
    {
        var list = name is null ? element : element.TryGetProperty(name, out var value) ? value : default;
        return list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];
    }

    /// <summary>A time as UTC to the second, or how long until it, for expiries.</summary>
    public static string Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at)
            ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : "-",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(Cell)),
        _ => "-",
    };
}
