using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Orders;
using Orleans.Concurrency;

namespace MarketDelivery.Contracts.Dispatch;

public enum RouteStopKind
{
    Pickup = 0,
    Delivery = 1,
}

/// <summary>
/// One stop of a courier's route as the phone shows it: where, for which order, and when. <see cref="MarketId"/> is
/// the order's market, so a courier of several markets knows at which hand-over point a pick-up is.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.RouteStopView")]
public sealed record RouteStopView(
    [property: Id(0)] RouteStopKind Kind,
    [property: Id(1)] string OrderId,
    [property: Id(2)] GeoPosition Location,
    [property: Id(3)] DateTimeOffset Eta,
    [property: Id(4)] DateTimeOffset Departure,
    [property: Id(5)] int LatenessMinutes,
    [property: Id(6)] string? MarketId = null);

/// <summary>A courier's planned route from where they are; done stops have left it. <see cref="MarketId"/> is the courier's home market.</summary>
[GenerateSerializer, Immutable, Alias("md.CourierRouteView")]
public sealed record CourierRouteView(
    [property: Id(0)] string CourierId,
    [property: Id(1)] string MarketId,
    [property: Id(2)] DateTimeOffset PlannedAt,
    [property: Id(3)] ImmutableArray<RouteStopView> Stops,
    [property: Id(4)] double DistanceMetres);

/// <summary>
/// What the dispatcher knows of a courier; sent by the courier grain whenever that changes. <see cref="MarketIds"/>
/// are the markets the courier picks up at (null from a courier grain of before districts: its home market only).
/// </summary>
[GenerateSerializer, Immutable, Alias("md.CourierDispatchInfo")]
public sealed record CourierDispatchInfo(
    [property: Id(0)] string CourierId,
    [property: Id(1)] bool OnShift,
    [property: Id(2)] TravelMode Mode,
    [property: Id(3)] int CapacityGrams,
    [property: Id(4)] int CapacityBags,
    [property: Id(5)] DateTimeOffset ShiftStart,
    [property: Id(6)] DateTimeOffset ShiftEnd,
    [property: Id(7)] GeoPosition? Position,
    [property: Id(8)] ImmutableArray<string> OnBoardOrderIds,
    [property: Id(9)] int Version,
    [property: Id(10)] ImmutableArray<string>? MarketIds = null);

/// <summary>A delivery slot's batch of orders and when it is released for routing.</summary>
[GenerateSerializer, Immutable, Alias("md.WaveView")]
public sealed record WaveView(
    [property: Id(0)] string SlotId,
    [property: Id(1)] DateTimeOffset SlotStart,
    [property: Id(2)] DateTimeOffset SlotEnd,
    [property: Id(3)] DateTimeOffset ReleaseAt,
    [property: Id(4)] DateTimeOffset? ReleasedAt,
    [property: Id(5)] int Orders);

/// <summary>An order the plan cannot serve now, and why; it is carried into the next plan.</summary>
[GenerateSerializer, Immutable, Alias("md.UnassignedView")]
public sealed record UnassignedView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string Reason,
    [property: Id(2)] string Message);

/// <summary>
/// The dispatcher's board for market staff: waves, routes, what is unassigned and how planning goes. The board is
/// pushed after every stored re-plan; <see cref="Version"/> is the stored re-plan count, so a gap means a missed push.
/// <see cref="Couriers"/> is the day's roster: the couriers on shift as the dispatcher last heard of them.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.DispatchBoard")]
public sealed record DispatchBoard(
    [property: Id(0)] string MarketId,
    [property: Id(1)] ImmutableArray<WaveView> Waves,
    [property: Id(2)] ImmutableArray<CourierRouteView> Routes,
    [property: Id(3)] ImmutableArray<UnassignedView> Unassigned,
    [property: Id(4)] int Replans,
    [property: Id(5)] DateTimeOffset? LastPlannedAt,
    [property: Id(6)] double? LastSolveMilliseconds,
    [property: Id(7)] ImmutableArray<string> Violations,
    [property: Id(8)] int Version = 0,
    [property: Id(9)] ImmutableArray<CourierDispatchInfo>? Couriers = null);

/// <summary>
/// A market's dispatcher: tracks the market's live orders, releases its waves, hands released orders to its
/// district's planner (<see cref="IDistrictDispatcherGrain"/>) and serves the market's board. Orders report to it
/// one-way, so no grain ever waits on the dispatcher while the dispatcher waits on it.
/// </summary>
[Alias("md.IDispatcherGrain")]
public interface IDispatcherGrain : IGrainWithStringKey
{
    [OneWay, Alias("OrderChanged")]
    Task OrderChanged(OrderSummary order);

    /// <summary>Releases waves that are due and checks running plans against the clock; the reminder calls it.</summary>
    [Alias("Tick")]
    Task Tick();

    /// <summary>Plans now (staff action; also used by tests).</summary>
    [Alias("PlanNow")]
    Task<DispatchBoard> PlanNow();

    [Alias("GetBoard")]
    Task<DispatchBoard> GetBoard();

    /// <summary>
    /// The orders to plan, for a district dispatcher that has not heard from this market since it activated.
    /// Interleaved: the district may ask while this dispatcher waits on it.
    /// </summary>
    [AlwaysInterleave, Alias("OrdersToPlan")]
    Task<MarketOrders> OrdersToPlan();

    /// <summary>This market's part of the district's plan in force, for the board. Interleaved, as above.</summary>
    [AlwaysInterleave, Alias("ShowPlan")]
    Task ShowPlan(DistrictPlanPart part);
}
