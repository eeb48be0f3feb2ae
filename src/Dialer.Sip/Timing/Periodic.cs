namespace Dialer.Sip.Timing;

/// <summary>The one loop for work done every interval on the injected clock until stopped (heartbeats, polls).</summary>
public static class Periodic
{
    /// <summary>Runs <paramref name="tick"/> every <paramref name="interval"/>, one at a time, until <paramref name="stoppingToken"/> is cancelled.</summary>
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> tick, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(tick);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await tick(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
