using MarketDelivery.Dispatch;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>How the market and district dispatchers run planning: cadence, debouncing, thresholds and the planner's settings.</summary>
public sealed record DispatchRuntimeOptions
{
    /// <summary>How often the reminder wakes the dispatcher to release waves and look for late merchants.</summary>
    public TimeSpan TickPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How soon what was not taken is sent again: a plan update for a courier, order or board, and a market's hand-off to its district (which the market's tick retries too).</summary>
    public TimeSpan FanOutRetry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wake every catalogue market's dispatcher when a silo starts, so each has its tick reminder.</summary>
    public bool WakeDispatchersOnStart { get; init; } = true;

    /// <summary>Changes arriving within this interval are planned together.</summary>
    public TimeSpan ReplanDebounce { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How long picking is expected to take when no stall has confirmed yet.</summary>
    public TimeSpan ExpectedPickTime { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>When a merchant is this late past the expected ready time, the plan assumes a further delay and re-plans.</summary>
    public TimeSpan MerchantLateAllowance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A courier this far behind the plan's ETA for the next stop triggers a re-plan.</summary>
    public TimeSpan CourierDelayThreshold { get; init; } = TimeSpan.FromMinutes(8);

    /// <summary>Fresh goods (fish, meat) ride at most this long.</summary>
    public TimeSpan FreshMaxRide { get; init; } = TimeSpan.FromMinutes(60);

    public WavePolicy Waves { get; init; } = WavePolicy.Default;

    public DispatchSettings Planning { get; init; } = new();
}
