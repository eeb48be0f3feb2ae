using System.Globalization;
using System.Text;

namespace Dialer.Sip.Uris;

public sealed partial class SipUri
{
    private static bool TryParameters(string text, out IReadOnlyList<KeyValuePair<string, string?>> parameters)
    {
        var list = new List<KeyValuePair<string, string?>>();
        parameters = list;
        if (text.Length == 0)
        {
            return true;
        }
        foreach (var part in text[1..].Split(';'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? null : part[(equals + 1)..];
            if (name.Length == 0 || !UriText.IsValid(name, UriText.IsParamChar) || (value is not null && !UriText.IsValid(value, UriText.IsParamChar)))
            {
                return false;
            }
            list.Add(new(name, value));
        }
        return true;
    }

    private static bool TryHeaders(string? text, out IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var list = new List<KeyValuePair<string, string>>();
        headers = list;
        if (text is null)
        {
            return true;
        }
        foreach (var part in text.Split('&'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !UriText.IsValid(part[..equals], UriText.IsHeaderChar) || !UriText.IsValid(part[(equals + 1)..], UriText.IsHeaderChar))
            {
                return false;
            }
            list.Add(new(part[..equals], part[(equals + 1)..]));
        }
        return true;
    }

    /// <summary>
    /// RFC 3261 §19.1.4: user and password compare case-sensitively after unescaping, host case-insensitively;
    /// a port, transport, user, ttl, method or maddr parameter present in one must match in the other; other
    /// parameters compare only when in both; headers must all match.
    /// </summary>
    public bool Equivalent(SipUri other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Scheme != other.Scheme || !string.Equals(UnescapedUser, other.UnescapedUser, StringComparison.Ordinal)
            || !string.Equals(Password is null ? null : UriText.Unescape(Password), other.Password is null ? null : UriText.Unescape(other.Password), StringComparison.Ordinal)
            || !string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase) || Port != other.Port)
        {
            return false;
        }
        foreach (var name in (string[])["transport", "user", "ttl", "method", "maddr"])
        {
            if (!SameParameter(Parameter(name), other.Parameter(name)))
            {
                return false;
            }
        }
        foreach (var (name, value) in Parameters)
        {
            var theirs = other.Parameter(name);
            if (theirs is not null && !SameParameter(value ?? "", theirs))
            {
                return false;
            }
        }
        return Headers.Count == other.Headers.Count && Headers.All(h => other.Headers.Any(o =>
            string.Equals(o.Key, h.Key, StringComparison.OrdinalIgnoreCase) && UriText.Unescape(o.Value) == UriText.Unescape(h.Value)));
    }

    private static bool SameParameter(string? mine, string? theirs) =>
        string.Equals(mine is null ? null : UriText.Unescape(mine), theirs is null ? null : UriText.Unescape(theirs), StringComparison.OrdinalIgnoreCase);

    public override string ToString()
    {
        var builder = new StringBuilder(64).Append(Scheme).Append(':');
        if (User is not null)
        {
            builder.Append(User);
            if (Password is not null)
            {
                builder.Append(':').Append(Password);
            }
            if (!IsTel)
            {
                builder.Append('@');
            }
        }
        builder.Append(Host);
        if (Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var (name, value) in Parameters)
        {
            builder.Append(';').Append(name);
            if (value is not null)
            {
                builder.Append('=').Append(value);
            }
        }
        for (var i = 0; i < Headers.Count; i++)
        {
            builder.Append(i == 0 ? '?' : '&').Append(Headers[i].Key).Append('=').Append(Headers[i].Value);
        }
        return builder.ToString();
    }
}
