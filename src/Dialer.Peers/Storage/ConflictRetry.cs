using MySqlConnector;

namespace Dialer.Peers.Storage;

/// <summary>
/// Runs a transaction again when it lost a conflict: error 1213 (InnoDB chose it as a deadlock victim; on Galera,
/// certification refused its write set at commit, or a write set replicated from another node aborted it) or 1205.
/// </summary>
internal static class ConflictRetry
{
    /// <summary>Tries in all. Two edges growing one trunk's grant through two Galera nodes can collide several times in a row.</summary>
    public const int Attempts = 5;

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> transaction, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction(cancellationToken);
            }
            catch (MySqlException error) when (attempt < Attempts && error.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout)
            {
                // A few milliseconds at random, doubling: by then the winner's write set is applied on our database node,
                // and two nodes that keep colliding drift apart (retried at once, they collided again: tests/cluster/galera-cap.sh).
                await Task.Delay(Random.Shared.Next(1, 4 << attempt), cancellationToken);
            }
        }
    }
}
