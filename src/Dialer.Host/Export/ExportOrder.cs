using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>The one order every export lists peers in, so that the same peers always give the same bytes.</summary>
public static class ExportOrder
{
    /// <summary>Trunks by name (names are unique ignoring case, as in MariaDB's collation).</summary>
    public static IReadOnlyList<Trunk> Trunks(IEnumerable<Trunk> trunks) =>
        [.. trunks.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>Phones by extension as numbers read (shorter first, as `dialer phone list` shows them).</summary>
    public static IReadOnlyList<Phone> Phones(IEnumerable<Phone> phones) =>
        [.. phones.OrderBy(p => p.Extension.Length).ThenBy(p => p.Extension, StringComparer.Ordinal)];
}
