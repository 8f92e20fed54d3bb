using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>How the district's plan is shown: a courier's route for the phone, and each market's part for its board.</summary>
public static class PlanParts
{
    /// <summary>The route as the courier's phone shows it; every stop names its order's market (the hand-over point of a pick-up).</summary>
    public static CourierRouteView ToView(CourierRoute route, string homeMarketId, DateTimeOffset now, IReadOnlyDictionary<string, string> marketOfOrder) => new(
        route.CourierId, homeMarketId, now,
        [.. route.Stops.Select(s => new RouteStopView(
            s.Kind == PlannedStopKind.Pickup ? RouteStopKind.Pickup : RouteStopKind.Delivery,
            s.OrderId, new GeoPosition(s.Location.Lat, s.Location.Lon), s.ServiceStart, s.Departure,
            (int)Math.Ceiling(s.Lateness.TotalMinutes), marketOfOrder.GetValueOrDefault(s.OrderId)))],
        route.DistanceMetres);

    /// <summary>
    /// A market's part of the plan: the routes that touch it (a stop for one of its orders, or the empty route of a
    /// courier who serves it), its unassigned orders, and the couriers on shift who serve it.
    /// </summary>
    public static DistrictPlanPart For(
        District district,
        string marketId,
        long sequence,
        DistrictDispatcherState state,
        IEnumerable<(string MarketId, UnassignedView Order)> unassigned,
        IReadOnlyList<string> violations)
    {
        bool Serves(CourierDispatchInfo courier) => DistrictSnapshot.MarketsOf(courier, district).Contains(marketId);
        bool Touches(CourierRouteView route) => route.Stops.IsDefaultOrEmpty
            ? state.Couriers.TryGetValue(route.CourierId, out var courier) ? Serves(courier) : route.MarketId == marketId
            : route.Stops.Any(s => (s.MarketId ?? route.MarketId) == marketId);

        return new DistrictPlanPart(
            district.Id, sequence, state.Replans, state.LastPlannedAt, state.LastSolveMilliseconds,
            [.. state.Routes.Where(Touches)],
            [.. unassigned.Where(u => u.MarketId == marketId).Select(u => u.Order)],
            [.. violations],
            [.. state.Couriers.Values.Where(Serves).OrderBy(c => c.CourierId, StringComparer.Ordinal)]);
    }
}
