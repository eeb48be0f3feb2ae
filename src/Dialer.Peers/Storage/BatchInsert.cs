using System.Data.Common;
using System.Text;

namespace Dialer.Peers.Storage;

/// <summary>
/// Multi-row INSERTs for the write-behind stores: one statement per chunk of rows instead of Dapper's one statement (and
/// one round trip, one commit) per element of a list. At thousands of calls a second that is the difference between a
/// database that idles and one that takes a core.
/// </summary>
internal static class BatchInsert
{
    public const int ChunkSize = 200;

    /// <summary>
    /// Runs <c>{head} VALUES (...), (...) {tail}</c> for every chunk of <paramref name="rows"/>; <paramref name="values"/>
    /// gives one row's values in the column order of <paramref name="head"/>. The connection is open (the stores open it).
    /// </summary>
    public static async Task ExecuteAsync<T>(DbConnection connection, string head, string tail, IEnumerable<T> rows, Func<T, object?[]> values)
    {
        foreach (var chunk in rows.Chunk(ChunkSize))
        {
            // Plain provider parameters, not Dapper's: a chunk has thousands of them and Dapper's per-parameter
            // bookkeeping showed up on the edge's profile.
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder(head).Append(" VALUES ");
            for (var row = 0; row < chunk.Length; row++)
            {
                var columns = values(chunk[row]);
                sql.Append(row == 0 ? "(" : ",(");
                for (var column = 0; column < columns.Length; column++)
                {
                    // Positional (?) parameters: no name to build per value, none for the driver to look up.
                    sql.Append(column == 0 ? "?" : ",?");
                    var parameter = command.CreateParameter();
                    parameter.Value = columns[column] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
                sql.Append(')');
            }
            sql.Append(' ').Append(tail);
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }
}
