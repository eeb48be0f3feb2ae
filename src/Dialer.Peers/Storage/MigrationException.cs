namespace Dialer.Peers.Storage;

/// <summary>The database and the migrations of this build disagree (an edited or unknown migration).</summary>
public sealed class MigrationException : Exception
{
    public MigrationException()
    {
    }

    public MigrationException(string message) : base(message)
    {
    }

    public MigrationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
