namespace Dialer.Testing;

/// <summary>
/// Waits for something another process or thread will make true, polling instead of sleeping a fixed time, bounded so
/// a test that would hang fails instead. The one "eventually" helper the tests share.
/// </summary>
public static class Eventually
{
    /// <returns>The last value read: the first one <paramref name="done"/> accepted, or the one read when time ran out.</returns>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }

    /// <returns>Whether <paramref name="condition"/> became true in time.</returns>
    public static Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null) => ReadAsync(condition, v => v, timeout);
}
