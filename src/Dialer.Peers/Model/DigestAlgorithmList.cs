namespace Dialer.Peers.Model;

/// <summary>
/// The digest algorithms the registrar offers a phone (RFC 8760), by their RFC 7616 §6.1 names. A phone's list is []
/// for the server default (Dialer:Edge:DigestAlgorithms), otherwise distinct canonical names in the order they are
/// offered (RFC 8760 §2.4: most preferred first). Stored as one column: "" the default, else the names comma
/// separated. Dialer.Peers knows only the names; Dialer.Sip maps them to its algorithms.
/// </summary>
public static class DigestAlgorithmList
{
    public const string Md5 = "MD5";
    public const string Sha256 = "SHA-256";

    public static readonly IReadOnlyList<string> Known = [Md5, Sha256];

    /// <summary>Maps any casing ("md5", "sha-256") to the canonical name; null when unknown.</summary>
    public static string? Canonical(string? name)
    {
        foreach (var known in Known)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }
        return null;
    }

    public static string Join(IReadOnlyList<string> algorithms) => string.Join(',', algorithms);

    public static string[] Split(string stored) =>
        stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
