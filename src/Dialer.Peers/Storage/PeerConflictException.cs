namespace Dialer.Peers.Storage;

/// <summary>The change clashes with other stored peers: a duplicate name, or a trunk still allocated (HTTP 409).</summary>
public sealed class PeerConflictException : Exception
{
    public PeerConflictException()
    {
    }

    public PeerConflictException(string message) : base(message)
    {
    }

    public PeerConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The JSON field the conflict is about, when there is one.</summary>
    public string? Field { get; init; }
}
