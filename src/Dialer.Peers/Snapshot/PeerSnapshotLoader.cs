using Dialer.Peers.Storage;

namespace Dialer.Peers.Snapshot;

/// <summary>Reads every peer at one version: the version is read first, so a snapshot is never newer than it claims.</summary>
public sealed class PeerSnapshotLoader(PeerRepository repository)
{
    public async Task<PeerSnapshot> LoadAsync(CancellationToken cancellationToken = default)
    {
        var version = await repository.VersionAsync(cancellationToken);
        var phones = await repository.ListPhonesAsync(new PageQuery(int.MaxValue), cancellationToken);
        var trunks = await repository.ListTrunksAsync(new PageQuery(int.MaxValue), cancellationToken);
        var campaigns = await repository.ListCampaignsAsync(new PageQuery(int.MaxValue), cancellationToken);
        return new PeerSnapshot(version, phones.Items, trunks.Items, campaigns.Items);
    }
}
