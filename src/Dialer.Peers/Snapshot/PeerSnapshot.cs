using System.Collections.Frozen;
using System.Net;
using Dialer.Peers.Model;

namespace Dialer.Peers.Snapshot;

/// <summary>
/// Every peer at one repository version, frozen for lock-free reads on the SIP hot path. A new snapshot
/// replaces the old one whole; requests in progress keep the snapshot they started with.
/// </summary>
public sealed class PeerSnapshot
{
    public static readonly PeerSnapshot Empty = new(-1, [], [], []);

    public PeerSnapshot(long version, IReadOnlyCollection<Phone> phones, IReadOnlyCollection<Trunk> trunks, IReadOnlyCollection<Campaign> campaigns)
    {
        ArgumentNullException.ThrowIfNull(phones);
        ArgumentNullException.ThrowIfNull(trunks);
        ArgumentNullException.ThrowIfNull(campaigns);
        Version = version;
        Phones = phones.ToFrozenDictionary(p => p.Extension, StringComparer.Ordinal);
        PhonesByAuthUser = phones.GroupBy(p => p.AuthUsername, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Trunks = trunks.ToFrozenDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        Campaigns = campaigns.ToFrozenDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        ActiveTrunks = [.. trunks.Where(t => t.Active)];
    }

    /// <summary>The repository version this snapshot was built from.</summary>
    public long Version { get; }
    public FrozenDictionary<string, Phone> Phones { get; }
    public FrozenDictionary<string, Phone> PhonesByAuthUser { get; }
    public FrozenDictionary<string, Trunk> Trunks { get; }
    public FrozenDictionary<string, Campaign> Campaigns { get; }
    public IReadOnlyList<Trunk> ActiveTrunks { get; }

    /// <summary>The active trunk whose ACL holds <paramref name="source"/> (IP authentication), or null.</summary>
    public Trunk? TrunkForSource(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var trunk in ActiveTrunks)
        {
            foreach (var cidr in trunk.Acl)
            {
                if (cidr.Contains(source))
                {
                    return trunk;
                }
            }
        }
        return null;
    }
}
