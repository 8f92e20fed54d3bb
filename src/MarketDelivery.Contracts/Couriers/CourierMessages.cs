using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;

namespace MarketDelivery.Contracts.Couriers;

/// <summary>How a courier moves; it sets speed and what can be carried.</summary>
public enum TravelMode
{
    Walk = 0,
    Bicycle = 1,
    Scooter = 2,
    Car = 3,
}

/// <summary>Who a courier is and what they can carry. Set at registration.</summary>
[GenerateSerializer, Immutable, Alias("md.CourierProfile")]
public sealed record CourierProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string District,
    [property: Id(2)] TravelMode Mode,
    [property: Id(3)] int CapacityGrams,
    [property: Id(4)] int CapacityBags,
    [property: Id(5)] ImmutableArray<string> MarketIds,
    [property: Id(6)] ImmutableArray<string> Skills);

/// <summary>A planned working period.</summary>
[GenerateSerializer, Immutable, Alias("md.CourierShift")]
public sealed record CourierShift(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] DateTimeOffset End);

/// <summary>
/// The courier as dispatch and staff see it. <see cref="Version"/> grows with every stored change (shift, position,
/// load, route), so a live client can tell it missed one.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.CourierView")]
public sealed record CourierView(
    [property: Id(0)] string CourierId,
    [property: Id(1)] CourierProfile Profile,
    [property: Id(2)] bool OnShift,
    [property: Id(3)] CourierShift? Shift,
    [property: Id(4)] GeoPosition? Position,
    [property: Id(5)] DateTimeOffset? PositionAt,
    [property: Id(6)] ImmutableArray<string> OnBoardOrderIds,
    [property: Id(7)] Dispatch.CourierRouteView? Route,
    [property: Id(8)] string? AtMarketId,
    [property: Id(9)] int Version = 0);

/// <summary>A courier: registration, shift and position. Dispatch adds the route later.</summary>
[Alias("md.ICourierGrain")]
public interface ICourierGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<CommandResult<CourierView>> Register(CourierProfile profile);

    [Alias("StartShift")]
    Task<CommandResult<CourierView>> StartShift(DateTimeOffset plannedEnd);

    [Alias("EndShift")]
    Task<CommandResult<CourierView>> EndShift();

    [Alias("GetView")]
    Task<CourierView?> GetView();

    [Alias("UpdatePosition")]
    Task<CommandResult<CourierView>> UpdatePosition(GeoPosition position);

    [Alias("ArrivedAtHandOver")]
    Task<CommandResult<CourierView>> ArrivedAtHandOver(string marketId);

    /// <summary>The courier collected these orders' bags at the hand-over point.</summary>
    [Alias("PickUp")]
    Task<CommandResult<CourierView>> PickUp(ImmutableArray<string> orderIds);

    [Alias("Deliver")]
    Task<CommandResult<CourierView>> Deliver(string orderId, Orders.DeliveryProof proof);

    [Alias("FailDelivery")]
    Task<CommandResult<CourierView>> FailDelivery(string orderId, string reason);

    /// <summary>The dispatcher's new plan for this courier.</summary>
    [Alias("AssignRoute")]
    Task AssignRoute(Dispatch.CourierRouteView route);
}
