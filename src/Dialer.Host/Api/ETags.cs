using System.Globalization;

namespace Dialer.Host.Api;

/// <summary>Strong ETags carry the peer's version: "42". If-Match accepts "42", W/"42" or *.</summary>
public static class ETags
{
    public static string Of(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <returns>The version the client read; null when there is no If-Match or it is *.</returns>
    public static long? IfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }
        var text = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        text = text.Trim('"');
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new BadRequestBodyException("must be an ETag this API returned, such as \"42\"") { Field = "If-Match" };
        }
        return version;
    }
}
