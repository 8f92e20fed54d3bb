namespace MarketDelivery.Dispatch;

/// <summary>
/// When a market's orders for one delivery slot are released for routing: at a lead time before the window opens,
/// or earlier once enough of them are ready at the hand-over point.
/// </summary>
public sealed record WavePolicy(TimeSpan LeadTime, int ReleaseWhenReady)
{
    public static readonly WavePolicy Default = new(TimeSpan.FromMinutes(45), 8);

    public DateTimeOffset ReleaseAt(DateTimeOffset slotStart) => slotStart - LeadTime;

    public bool ShouldRelease(DateTimeOffset now, DateTimeOffset slotStart, int readyOrders) =>
        now >= ReleaseAt(slotStart) || readyOrders >= ReleaseWhenReady;
}
