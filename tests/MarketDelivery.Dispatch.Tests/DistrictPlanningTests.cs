using GeoPoint = MarketDelivery.Domain.Markets.GeoPoint;
using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>Several markets in one snapshot: each order picked up at its own market, couriers only where they serve.</summary>
public sealed class DistrictPlanningTests
{
    /// <summary>A second hand-over point 1.6 km south of the first, as 길동 is of 암사.</summary>
    private static readonly GeoPoint Other = DispatchMeasurements.Offset(Market, 1_600, Math.PI);

    private static DispatchOrder AtOther(string id, double metres, double bearingDegrees) =>
        Order(id, 0, 0) with
        {
            MarketId = "other",
            HandOver = Other,
            Destination = DispatchMeasurements.Offset(Other, metres, bearingDegrees * Math.PI / 180),
        };

    [Fact]
    public void A_courier_of_both_markets_takes_the_other_markets_orders_and_one_of_a_single_market_never_does()
    {
        var orders = new List<DispatchOrder>
        {
            Order("m1", 800, 10), Order("m2", 900, 200),
            AtOther("x1", 700, 90), AtOther("x2", 600, 250),
        };
        var couriers = new List<DispatchCourier>
        {
            Courier("mangwon-only") with { MarketIds = ["mangwon"] },
            Courier("both") with { MarketIds = ["mangwon", "other"] },
        };

        var plan = new DispatchPlanner().Plan(new DispatchSnapshot(Now, orders, couriers), Fast());

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.Equal("both", CourierOf(plan, "x1"));
        Assert.Equal("both", CourierOf(plan, "x2"));
        var pickups = plan.Routes.SelectMany(r => r.Stops.Where(s => s.Kind == PlannedStopKind.Pickup).Select(s => (r.CourierId, s.OrderId, s.Location)));
        Assert.All(pickups.Where(p => p.OrderId.StartsWith('x')), p => Assert.Equal(Other, p.Location));
        Assert.All(pickups.Where(p => p.CourierId == "mangwon-only"), p => Assert.Equal(Market, p.Location));
    }

    [Fact]
    public void Without_a_courier_for_its_market_an_order_is_unassigned_with_a_reason()
    {
        var plan = new DispatchPlanner().Plan(
            new DispatchSnapshot(Now, [Order("m1", 800, 10), AtOther("x1", 700, 90)], [Courier("mangwon-only") with { MarketIds = ["mangwon"] }]),
            Fast());

        AssertSound(plan);
        Assert.Equal("mangwon-only", CourierOf(plan, "m1"));
        Assert.Equal("x1", Assert.Single(plan.Unassigned).OrderId);
    }

    [Fact]
    public void One_market_builds_the_same_routing_problem_whether_or_not_couriers_name_it()
    {
        var orders = Wave(12);
        var plain = ProblemBuilder.Build(new DispatchSnapshot(Now, orders, [Courier("a"), Courier("b")]), Fast()).Problem;
        var named = ProblemBuilder.Build(new DispatchSnapshot(Now, orders,
            [Courier("a") with { MarketIds = ["mangwon"] }, Courier("b") with { MarketIds = ["mangwon", "elsewhere"] }]), Fast()).Problem;

        Assert.All(named.Shipments, s => Assert.Null(s.Skills));
        Assert.Equal(plain.Vehicles.Select(v => string.Join(",", v.Skills ?? [])), named.Vehicles.Select(v => string.Join(",", v.Skills ?? [])));
    }
}
