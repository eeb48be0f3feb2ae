using System.Net.Sockets;
using MySqlConnector;

namespace Dialer.Peers.Storage;

/// <summary>
/// The one place that reads MySqlConnector's errors: which failures are a duplicate key, which are worth retrying,
/// which mean the database is down, and which came from the database at all. Callers catch with these filters
/// instead of comparing error numbers.
/// </summary>
public static class DatabaseErrors
{
    /// <summary>
    /// MariaDB's ER_CONNECTION_KILLED: the server ended the connection (KILL, shutdown, a Galera node leaving).
    /// MariaDB only, so MySqlErrorCode has no name for it.
    /// </summary>
    private const MySqlErrorCode MariaDbConnectionKilled = (MySqlErrorCode)1927;

    /// <summary>A unique key refused the row (ER_DUP_ENTRY, and ER_DUP_ENTRY_WITH_KEY_NAME from ALTER and partitions).</summary>
    public static bool IsDuplicate(Exception error) =>
        error is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry or MySqlErrorCode.DuplicateEntryWithKeyName };

    /// <summary>
    /// Running the same work again may succeed: a deadlock or lock wait timeout (the transaction was rolled back),
    /// too many connections, or the database unavailable (<see cref="IsUnavailable"/>). MySqlConnector's own
    /// <see cref="MySqlException.IsTransient"/> decides for server errors.
    /// </summary>
    public static bool IsTransient(Exception error) =>
        error is MySqlException { IsTransient: true } || IsUnavailable(error);

    /// <summary>
    /// The database is down or cannot be reached now: connection refused or reset, connect or command timeout,
    /// the pool empty past Connection Timeout, the server shutting down or killing the connection.
    /// Looks through wrapping exceptions, because the driver reports a connection lost mid-query as
    /// "Failed to read the result set" around the I/O error.
    /// </summary>
    public static bool IsUnavailable(Exception error)
    {
        for (var current = error; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.ConnectionCountError
                    or MySqlErrorCode.CommandTimeoutExpired or MySqlErrorCode.ServerShutdown or MySqlErrorCode.ClientInteractionTimeout
                    or MariaDbConnectionKilled }:
                case TimeoutException or SocketException or IOException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Any failure of a database call that a long-running caller survives and retries later (write-behind, snapshot
    /// reload, restore at start): everything the server or the driver reports, and the database unavailable.
    /// Not our own bugs such as <see cref="ArgumentException"/> or <see cref="NullReferenceException"/>.
    /// </summary>
    public static bool IsFailure(Exception error) => error is MySqlException || IsUnavailable(error);
}
