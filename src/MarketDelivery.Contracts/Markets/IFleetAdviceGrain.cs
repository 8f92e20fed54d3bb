using System.Collections.Immutable;

namespace MarketDelivery.Contracts.Markets;

/// <summary>One local clock hour of a market's day: couriers busy at once at most, and the km they ride.</summary>
[GenerateSerializer, Immutable, Alias("md.FleetAdviceHour")]
public sealed record FleetAdviceHour(
    [property: Id(0)] string Hour,
    [property: Id(1)] int Couriers,
    [property: Id(2)] double CourierKm);

/// <summary>
/// A delivery slot of the day at <see cref="MarketId"/>: the orders booked now, the orders the advice plans for, and
/// where that number comes from (<see cref="FleetAdviceBasis"/>). Slot ids repeat across markets.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.FleetAdviceSlot")]
public sealed record FleetAdviceSlot(
    [property: Id(0)] string SlotId,
    [property: Id(1)] DateTimeOffset Start,
    [property: Id(2)] DateTimeOffset End,
    [property: Id(3)] int Booked,
    [property: Id(4)] int Expected,
    [property: Id(5)] string Basis,
    [property: Id(6)] string MarketId);

/// <summary>Where a slot's expected orders come from.</summary>
public static class FleetAdviceBasis
{
    /// <summary>The orders booked: the slot's cut-off has passed, or more are booked than history or the model expect.</summary>
    public const string Bookings = "bookings";

    /// <summary>Delivered orders of the same slot on the same weekday in past weeks (or on recent days).</summary>
    public const string History = "history";

    /// <summary>The simulator's demand model, for a market without history.</summary>
    public const string Model = "model";
}

/// <summary>
/// The couriers a market needs on a day to deliver at least 98 % of the orders on time, from the simulator's day with
/// the dispatcher: the smallest full-day fleet that reaches it, and per opening hour the couriers on the road at once.
/// A market whose district shares couriers with other markets (<see cref="MarketIds"/> names more than one) gets the
/// district's advice: the fleet the markets share, for all their orders and slots, planned as the district dispatcher
/// plans them; <see cref="MarketId"/> is the market asked about.
/// <see cref="Run"/> numbers the computations of the grain's activation (1 for its first), so a caller can tell a
/// cached answer from a new one; <see cref="Updating"/> marks an old advice answered while a newer one is computed.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.FleetAdviceReport")]
public sealed record FleetAdviceReport(
    [property: Id(0)] string MarketId,
    [property: Id(1)] string Date,
    [property: Id(2)] string Basis,
    [property: Id(3)] int Orders,
    [property: Id(4)] int Booked,
    [property: Id(5)] int Fleet,
    [property: Id(6)] int PeakCouriers,
    [property: Id(7)] int CourierHours,
    [property: Id(8)] double CourierKm,
    [property: Id(9)] double OnTimePct,
    [property: Id(10)] bool TargetReached,
    [property: Id(11)] ImmutableArray<FleetAdviceHour> Hours,
    [property: Id(12)] ImmutableArray<FleetAdviceSlot> Slots,
    [property: Id(13)] DateTimeOffset ComputedAt,
    [property: Id(14)] DateTimeOffset ExpiresAt,
    [property: Id(15)] double ComputeSeconds,
    [property: Id(18)] string DistrictId,
    [property: Id(19)] string DistrictName,
    [property: Id(20)] ImmutableArray<string> MarketIds,
    [property: Id(16)] bool Updating = false,
    [property: Id(17)] int Run = 0);

/// <summary>What the advice grain has: the advice (null while the first one is computed), and whether a newer one is being computed.</summary>
[GenerateSerializer, Immutable, Alias("md.FleetAdviceAnswer")]
public sealed record FleetAdviceAnswer(
    [property: Id(0)] FleetAdviceReport? Advice,
    [property: Id(1)] bool Computing);

/// <summary>
/// The fleet advice of one district's day, keyed "{districtId}/{yyyy-MM-dd}" (a market in no district is its own, with
/// its id): computed off the grain's turns, kept in memory until it expires or the bookings of any of its markets
/// change. One activation in the cluster, so every server and every market of the district shares it.
/// </summary>
[Alias("md.IFleetAdviceGrain")]
public interface IFleetAdviceGrain : IGrainWithStringKey
{
    /// <summary>
    /// The advice if it is current; otherwise starts computing it (once, however many ask) and waits up to
    /// <paramref name="wait"/> for it, answering the previous advice, or none, while it is still being computed.
    /// </summary>
    [Alias("Get")]
    Task<FleetAdviceAnswer> Get(TimeSpan wait);
}

/// <summary>The advice grain's key: the district of the market asked about (the market's own id when it is in none).</summary>
public static class FleetAdviceKeys
{
    public static string Of(string districtId, DateOnly date) =>
        districtId + "/" + date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
