using System.Text;

namespace Dialer.Sip.Uris;

/// <summary>Character classes and %-escapes of RFC 3261 §25.1 for URI parts.</summary>
internal static class UriText
{
    private const string Mark = "-_.!~*'()";
    private const string UserUnreserved = "&=+$,;?/";
    private const string PasswordExtra = "&=+$,";
    private const string ParamUnreserved = "[]/:&+$";
    private const string HeaderUnreserved = "[]/?:+$";

    public static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || Mark.Contains(c, StringComparison.Ordinal);

    public static bool IsUserChar(char c) => IsUnreserved(c) || UserUnreserved.Contains(c, StringComparison.Ordinal);

    public static bool IsPasswordChar(char c) => IsUnreserved(c) || PasswordExtra.Contains(c, StringComparison.Ordinal);

    public static bool IsParamChar(char c) => IsUnreserved(c) || ParamUnreserved.Contains(c, StringComparison.Ordinal);

    public static bool IsHeaderChar(char c) => IsUnreserved(c) || HeaderUnreserved.Contains(c, StringComparison.Ordinal);

    /// <summary>True when every character is allowed or part of a well-formed %HH escape.</summary>
    public static bool IsValid(string text, Func<char, bool> allowed)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return false;
                }
                i += 2;
            }
            else if (!allowed(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Decodes %HH escapes (UTF-8); used for comparison (RFC 3261 §19.1.4).</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length)
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
