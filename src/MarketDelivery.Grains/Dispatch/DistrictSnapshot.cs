using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain.Markets;
using RoutingMode = MarketDelivery.Routing.Model.TravelMode;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>
/// What the district planner sees, built from the markets' hand-offs and the couriers on shift: every order a
/// pick-up at its own market's hand-over point, every courier allowed the markets they serve. Pure, so it can be
/// read (and tested) without a silo.
/// </summary>
public static class DistrictSnapshot
{
    public static DispatchSnapshot Build(
        District district,
        MarketCatalog catalog,
        IEnumerable<MarketOrders> markets,
        IReadOnlyDictionary<string, CourierDispatchInfo> couriers,
        DateTimeOffset now,
        DispatchRuntimeOptions options,
        DispatchPlan? previous)
    {
        var orders = new List<DispatchOrder>();
        foreach (var batch in markets.Where(b => district.Contains(b.MarketId)))
        {
            if (catalog.FindMarket(batch.MarketId) is not { } market)
            {
                continue;
            }

            var handOver = market.HandOverPoint.Location;
            foreach (var o in batch.Orders)
            {
                // Out for delivery with a courier the district knows: only its delivery is left, locked to that
                // courier. With one it does not know (gone off shift in a crash), there is nothing to plan.
                var onBoard = o.State == PlanningOrderState.OutForDelivery && o.CourierId is { } carrier && couriers.ContainsKey(carrier);
                if (o.State == PlanningOrderState.OutForDelivery && !onBoard)
                {
                    continue;
                }

                var state = onBoard ? DispatchOrderState.OnBoard
                    : o.State == PlanningOrderState.ReadyAtMarket ? DispatchOrderState.ReadyAtMarket : DispatchOrderState.Picking;
                var readyAt = state == DispatchOrderState.Picking && o.ReadyAt < now ? now : o.ReadyAt;
                orders.Add(new DispatchOrder(
                    o.OrderId, batch.MarketId, handOver, new GeoPoint(o.Destination.Lat, o.Destination.Lon),
                    o.WindowStart, o.WindowEnd, readyAt, Math.Max(1, o.WeightGrams), Math.Max(1, o.Bags), state,
                    onBoard ? o.CourierId : null, o.Fresh ? options.FreshMaxRide : null));
            }
        }

        // By id, as a single market's dispatcher always listed them: the same input gives the same plan.
        orders.Sort((a, b) => string.CompareOrdinal(a.OrderId, b.OrderId));
        var onBoardOf = orders.Where(o => o.State == DispatchOrderState.OnBoard).Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);

        var planned = couriers.Values
            .Where(c => c.OnShift && c.ShiftEnd > now)
            .OrderBy(c => c.CourierId, StringComparer.Ordinal)
            .Select(c =>
            {
                var served = MarketsOf(c, district);
                // A courier starts (without a position) and ends at their home market: the first one they serve.
                var home = catalog.FindMarket(served[0])?.HandOverPoint.Location ?? new GeoPoint(double.NaN, double.NaN);
                return new DispatchCourier(
                    c.CourierId, (RoutingMode)(int)c.Mode, c.CapacityGrams, c.CapacityBags, c.ShiftStart, c.ShiftEnd,
                    c.Position is { } p ? new GeoPoint(p.Lat, p.Lon) : home,
                    [.. c.OnBoardOrderIds.Where(onBoardOf.Contains)],
                    home, served);
            })
            .ToList();

        return new DispatchSnapshot(now, orders, planned, previous);
    }

    /// <summary>
    /// The district's markets a courier picks up at, home market first. A courier report without markets (a courier
    /// grain from before districts) serves the district's first market, as a one-market dispatcher planned it.
    /// </summary>
    public static IReadOnlyList<string> MarketsOf(CourierDispatchInfo courier, District district)
    {
        var served = (courier.MarketIds ?? []).Where(district.Contains).ToList();
        return served.Count > 0 ? served : [district.MarketIds[0]];
    }
}
