using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>
/// Kamailio set ids for trunks: 1..N in trunk name order over every trunk, active or not, so that deactivating a
/// trunk does not renumber the others. The dispatcher set and the permissions group of a trunk share its id.
/// </summary>
public static class KamailioSets
{
    public static IReadOnlyList<(int SetId, Trunk Trunk)> Number(IEnumerable<Trunk> trunks) =>
        [.. ExportOrder.Trunks(trunks).Select((trunk, index) => (index + 1, trunk))];
}
