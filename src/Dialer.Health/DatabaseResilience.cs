using System.Data.Common;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Dialer.Health;

/// <summary>
/// The Polly pipeline around the health jobs' database calls: two quick retries, then a circuit breaker that stays
/// open for the break duration once half the calls of 30 s failed, so an outage fails fast instead of stalling jobs.
/// </summary>
public static class DatabaseResilience
{
    public static ResiliencePipeline Pipeline(TimeProvider time, TimeSpan breakDuration)
    {
        var handled = new PredicateBuilder().Handle<DbException>().Handle<TimeoutException>().Handle<InvalidOperationException>().Handle<IOException>();
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = handled,
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = handled,
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = breakDuration,
            })
            .Build();
    }

    /// <summary>Whether an error from the pipeline means the database is unreachable (or the breaker is open).</summary>
    public static bool IsOutage(Exception error) =>
        error is DbException or TimeoutException or InvalidOperationException or BrokenCircuitException or IOException;
}
