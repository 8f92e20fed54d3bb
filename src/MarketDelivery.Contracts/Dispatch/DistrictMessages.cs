using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using Orleans.Concurrency;

namespace MarketDelivery.Contracts.Dispatch;

/// <summary>Where an order handed to the district planner is.</summary>
public enum PlanningOrderState
{
    Picking = 0,
    ReadyAtMarket = 1,
    /// <summary>A courier carries it; planned as on board if that courier is on shift in the district.</summary>
    OutForDelivery = 2,
}

/// <summary>
/// One order of a market as the district planner needs it: where to, when, how much, and how far along.
/// <see cref="CourierId"/> is the courier the order holds (the one carrying it when out for delivery).
/// </summary>
[GenerateSerializer, Immutable, Alias("md.PlanningOrder")]
public sealed record PlanningOrder(
    [property: Id(0)] string OrderId,
    [property: Id(1)] GeoPosition Destination,
    [property: Id(2)] DateTimeOffset WindowStart,
    [property: Id(3)] DateTimeOffset WindowEnd,
    [property: Id(4)] DateTimeOffset ReadyAt,
    [property: Id(5)] int WeightGrams,
    [property: Id(6)] int Bags,
    [property: Id(7)] PlanningOrderState State,
    [property: Id(8)] string? CourierId,
    [property: Id(9)] bool Fresh);

/// <summary>What a market dispatcher asks of its district's planner along with its orders.</summary>
public enum ReplanRequest
{
    /// <summary>Just the orders (the district asked for them).</summary>
    None = 0,
    /// <summary>New orders to insert into the plan in force, debounced.</summary>
    Insert = 1,
    /// <summary>A change that needs a full re-plan, debounced.</summary>
    Full = 2,
    /// <summary>A full re-plan before answering (staff's "plan now", a released wave, a late merchant).</summary>
    Now = 3,
}

/// <summary>
/// A market's orders to plan, all of them each time (released waves and what couriers carry; bounded by the live
/// orders), so a lost or repeated hand-off never leaves the district with half a change. Within one activation
/// of the market dispatcher (<see cref="Activation"/>) a higher <see cref="Sequence"/> replaces a lower one; a new
/// activation's hand-off replaces the old one's (no clocks compared, so skew between silos does not matter).
/// </summary>
[GenerateSerializer, Immutable, Alias("md.MarketOrders")]
public sealed record MarketOrders(
    [property: Id(0)] string MarketId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] ImmutableArray<PlanningOrder> Orders,
    [property: Id(3)] ReplanRequest Replan,
    [property: Id(4)] Guid Activation);

/// <summary>
/// A market's part of its district's plan in force: the routes that touch the market, its unassigned orders, the
/// couriers who serve it, and how planning goes. <see cref="Replans"/> is the district's stored re-plan count; a part
/// replaces one of fewer re-plans, or of as many and a lower <see cref="Sequence"/> (a roster change between plans).
/// </summary>
[GenerateSerializer, Immutable, Alias("md.DistrictPlanPart")]
public sealed record DistrictPlanPart(
    [property: Id(0)] string DistrictId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] int Replans,
    [property: Id(3)] DateTimeOffset? LastPlannedAt,
    [property: Id(4)] double? LastSolveMilliseconds,
    [property: Id(5)] ImmutableArray<CourierRouteView> Routes,
    [property: Id(6)] ImmutableArray<UnassignedView> Unassigned,
    [property: Id(7)] ImmutableArray<string> Violations,
    [property: Id(8)] ImmutableArray<CourierDispatchInfo> Couriers);

/// <summary>
/// Plans all markets of a district together (a market in no district is a district alone, keyed by the market's
/// id): couriers report to it, market dispatchers hand it their orders. It never waits on a courier or order that
/// may be waiting on it: those report one-way, and its calls back to market dispatchers are interleaved there.
/// </summary>
[Alias("md.IDistrictDispatcherGrain")]
public interface IDistrictDispatcherGrain : IGrainWithStringKey
{
    [OneWay, Alias("CourierChanged")]
    Task CourierChanged(CourierDispatchInfo courier);

    /// <summary>Takes a market's orders (and re-plans as asked); answers the market's part of the plan in force.</summary>
    [Alias("SubmitOrders")]
    Task<DistrictPlanPart> SubmitOrders(MarketOrders orders);
}
