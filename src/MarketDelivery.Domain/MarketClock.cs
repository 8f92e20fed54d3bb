namespace MarketDelivery.Domain;

/// <summary>
/// The clock of the business: slot cut-offs, order times, later waves. A type of its own rather than the
/// container's <see cref="TimeProvider"/>, because Orleans uses that one for its own timers and membership:
/// tests and the simulator can drive this clock with a fake <see cref="TimeProvider"/> without freezing the runtime.
/// </summary>
public sealed class MarketClock(TimeProvider time)
{
    public static readonly MarketClock System = new(TimeProvider.System);

    /// <summary>The underlying provider, for timers that must follow business time.</summary>
    public TimeProvider Time { get; } = time;

    public DateTimeOffset GetUtcNow() => Time.GetUtcNow();
}
