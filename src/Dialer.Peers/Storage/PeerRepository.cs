using Dialer.Peers.Security;

namespace Dialer.Peers.Storage;

/// <summary>
/// The peer repository over MariaDB (Dapper). Reads are plain queries; every write goes through
/// <see cref="PeerDatabase.WriteAsync"/>, which raises the version, and writes its audit entry in the same
/// transaction. Split by facet: phones, trunks, campaigns, audit.
/// </summary>
public sealed partial class PeerRepository(PeerDatabase database, SecretProtector secrets)
{
    public Task<long> VersionAsync(CancellationToken cancellationToken = default) => database.VersionAsync(cancellationToken);

    private static string JoinCodecs(IReadOnlyList<string> codecs) => string.Join(',', codecs);

    private static string[] SplitCodecs(string codecs) =>
        codecs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void CheckVersion(long? expected, long current, string what)
    {
        if (expected is { } version && version != current)
        {
            throw new VersionMismatchException($"{what} changed since version {version} was read (now {current}); read it again")
            {
                CurrentVersion = current,
            };
        }
    }
}
