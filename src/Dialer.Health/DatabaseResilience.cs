using Dialer.Peers.Storage;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Dialer.Health;

/// <summary>
/// The Polly pipeline around the health jobs' database calls: two quick retries of transient failures, then a circuit
/// breaker that stays open for the break duration once half the calls of 30 s failed, so an outage fails fast instead
/// of stalling jobs. Which failures are which is <see cref="DatabaseErrors"/>'s call.
/// </summary>
public static class DatabaseResilience
{
    public static ResiliencePipeline Pipeline(TimeProvider time, TimeSpan breakDuration)
    {
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // A deadlock or a dropped connection may go through a moment later; a bad statement never will.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseErrors.IsTransient),
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseErrors.IsFailure),
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = breakDuration,
            })
            .Build();
    }

    /// <summary>Whether an error from the pipeline is the database failing (or the breaker open): the job goes on without it.</summary>
    public static bool IsOutage(Exception error) => error is BrokenCircuitException || DatabaseErrors.IsFailure(error);
}
