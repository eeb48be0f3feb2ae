namespace Dialer.Peers.Storage;

/// <summary>An If-Match version is stale: someone changed the peer since it was read (maps to HTTP 412).</summary>
public sealed class VersionMismatchException : Exception
{
    public VersionMismatchException()
    {
    }

    public VersionMismatchException(string message) : base(message)
    {
    }

    public VersionMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public long CurrentVersion { get; init; }
}
