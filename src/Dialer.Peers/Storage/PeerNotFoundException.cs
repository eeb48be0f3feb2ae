namespace Dialer.Peers.Storage;

/// <summary>The phone, trunk, campaign or allocation named does not exist (maps to HTTP 404).</summary>
public sealed class PeerNotFoundException : Exception
{
    public PeerNotFoundException()
    {
    }

    public PeerNotFoundException(string message) : base(message)
    {
    }

    public PeerNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
