using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dialer.Host.Api;

/// <summary>
/// Reads a request body ourselves rather than through parameter binding, so that a wrong type, an unknown
/// field or broken JSON becomes a 400 naming the field instead of a bare status.
/// </summary>
public static partial class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            throw new BadRequestBodyException("the body must be JSON (Content-Type: application/json)")
            {
                StatusCode = StatusCodes.Status415UnsupportedMediaType,
            };
        }
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, cancellationToken)
                ?? throw new BadRequestBodyException("the body must be a JSON object, not null");
        }
        catch (JsonException error)
        {
            throw Describe(error);
        }
    }

    private static BadRequestBodyException Describe(JsonException error)
    {
        var field = FieldOf(error.Path);
        var unknown = UnknownPropertyPattern().Match(error.Message);
        if (unknown.Success)
        {
            var name = unknown.Groups[1].Value;
            return new BadRequestBodyException($"'{name}' is not a field of this resource", error)
            {
                Field = field == "body" ? name : field.EndsWith(name, StringComparison.Ordinal) ? field : $"{field}.{name}",
            };
        }
        if (error.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return new BadRequestBodyException("is given twice", error) { Field = field };
        }
        var where = error.LineNumber is { } line ? $" (line {line + 1}, byte {error.BytePositionInLine + 1})" : "";
        return field == "body"
            ? new BadRequestBodyException($"the body is not valid JSON{where}", error)
            : new BadRequestBodyException($"has the wrong JSON type or is malformed{where}", error) { Field = field };
    }

    /// <summary>"$.servers[0].port" becomes "servers[0].port"; "$" becomes "body".</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }

    [GeneratedRegex("JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownPropertyPattern();
}
