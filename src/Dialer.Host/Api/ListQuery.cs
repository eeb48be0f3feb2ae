using System.Globalization;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;

namespace Dialer.Host.Api;

/// <summary>Query parameters of every list endpoint: limit, offset, active, q. Bad values are a 400 naming the parameter.</summary>
public static class ListQuery
{
    public const string TotalCountHeader = "X-Total-Count";

    public static PageQuery Parse(HttpRequest request, int maxLimit)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new ValidationErrors();
        var limit = Number(errors, request, "limit", 100, 1, maxLimit);
        var offset = Number(errors, request, "offset", 0, 0, int.MaxValue);
        bool? active = null;
        if (request.Query.TryGetValue("active", out var activeText))
        {
            if (bool.TryParse(activeText, out var value))
            {
                active = value;
            }
            else
            {
                errors.Add("active", "must be true or false");
            }
        }
        var search = request.Query.TryGetValue("q", out var q) && !string.IsNullOrEmpty(q) ? q.ToString() : null;
        if (search is { Length: > 64 })
        {
            errors.Add("q", "must be at most 64 characters");
        }
        errors.ThrowIfAny();
        return new PageQuery(limit, offset, active, search);
    }

    private static int Number(ValidationErrors errors, HttpRequest request, string name, int fallback, int min, int max)
    {
        if (!request.Query.TryGetValue(name, out var text))
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(name, $"must be a whole number from {min} to {max}");
            return fallback;
        }
        return value;
    }
}
