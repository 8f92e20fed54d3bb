using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MarketDelivery.Server.Api;

/// <summary>
/// Runs a grain call that is safe to repeat (a read, placing an order under its idempotency key, confirming a ticket
/// with the same lines) and retries it on transient failures for up to <see cref="Budget"/>, with short growing
/// pauses, so that while a silo fails over or the database restarts the client sees latency rather than errors.
/// When the budget is spent the last failure surfaces and becomes a 503 (see <see cref="TransientFailureExceptionHandler"/>).
/// Commands that are not idempotent never go through here.
/// </summary>
public sealed class IdempotentCalls
{
    /// <summary>The whole time one request may spend trying, pauses included.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(8);

    private readonly ResiliencePipeline _pipeline;

    public IdempotentCalls(ILogger<IdempotentCalls> logger)
    {
        _pipeline = new ResiliencePipelineBuilder()
            // Outermost: the budget for all attempts; it also ends an attempt that hangs (a call to a dead silo waits
            // for Orleans' 30 s response timeout otherwise).
            .AddTimeout(new TimeoutStrategyOptions { Timeout = Budget })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientFailures.IsTransient),
                MaxRetryAttempts = 30,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(1),
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogInformation(args.Outcome.Exception, "Transient failure, attempt {Attempt}; retrying in {Delay} ms",
                        args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Calls <paramref name="call"/> until it succeeds, fails for good, or the budget is spent.</summary>
    public async Task<T> Run<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        await _pipeline.ExecuteAsync(static async (call, token) => await call().WaitAsync(token), call, cancellationToken);
}
