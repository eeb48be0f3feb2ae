namespace Dialer.Peers.Security;

/// <summary>A stored trunk secret does not open with the configured key: the key changed or the bytes were altered.</summary>
public sealed class SecretUnreadableException : InvalidOperationException
{
    public SecretUnreadableException()
    {
    }

    public SecretUnreadableException(string message) : base(message)
    {
    }

    public SecretUnreadableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
