using Dialer.Peers.Storage;

namespace Dialer.Edge;

/// <summary>
/// What the write-behind queues do with a batch the database refused for its data rather than because it is down: each
/// row is stored alone, and a row refused on its own is logged and dropped — never retried forever, never blocking the
/// rows behind it. Stores upsert, so rows of the batch that were already stored are not duplicated.
/// </summary>
internal static class RowByRow
{
    /// <returns>How many rows were dropped.</returns>
    /// <exception cref="Exception">The database became unavailable meanwhile: the caller keeps the batch and retries.</exception>
    public static async Task<int> StoreAsync<T>(IReadOnlyList<T> rows, Func<IReadOnlyCollection<T>, Task> store, Action<T, Exception> dropped)
    {
        var lost = 0;
        foreach (var row in rows)
        {
            try
            {
                await store([row]);
            }
            catch (Exception error) when (DatabaseErrors.IsFailure(error) && !DatabaseErrors.IsUnavailable(error))
            {
                dropped(row, error);
                lost++;
            }
        }
        return lost;
    }
}
