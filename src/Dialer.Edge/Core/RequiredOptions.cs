using Dialer.Sip.Message;

namespace Dialer.Edge.Core;

/// <summary>
/// Require and Proxy-Require (RFC 3261 §8.2.2.3, §16.3 step 5): the option tags a request insists on that the edge
/// does not support. It supports none of them today, so every tag named is unsupported.
/// </summary>
public static class RequiredOptions
{
    /// <returns>The unsupported tags as an Unsupported header value, or null when there are none.</returns>
    public static string? Unsupported(SipMessage request, HeaderKind kind)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<string>? tags = null;
        for (var i = request.IndexOf(kind); i >= 0; i = request.NextIndexOf(kind, i))
        {
            foreach (var tag in request.ValueString(request.HeaderAt(i)).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                tags ??= [];
                if (!tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
                {
                    tags.Add(tag);
                }
            }
        }
        return tags is null ? null : string.Join(", ", tags);
    }
}
