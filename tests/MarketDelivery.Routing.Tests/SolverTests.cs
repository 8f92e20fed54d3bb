using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

public class SolverTests
{
    public static TheoryData<SolverStrategy> Strategies => new()
    {
        SolverStrategy.OrToolsThenRuinRecreate,
        SolverStrategy.OrToolsOnly,
        SolverStrategy.RuinRecreateOnly,
    };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Square_of_four_customers_is_toured_along_its_sides(SolverStrategy strategy)
    {
        // Depot at one corner of a 10 x 10 square, customers at the others and at the depot corner's
        // midpoints: the optimum walks the perimeter, 40.
        var problem = Problem(
            [L("depot", 0, 0), L("a", 10, 0), L("b", 10, 10), L("c", 0, 10), L("m", 5, 0)],
            [Van("v1")],
            [J("a", "a"), J("b", "b"), J("c", "c"), J("m", "m")]);
        var plan = SolveValid(problem, Fast(strategy) with { TimeLimit = TimeSpan.FromSeconds(2) });
        Assert.Single(plan.Routes);
        Assert.Empty(plan.Unassigned);
        Assert.Equal(40, plan.Objective.TotalDistance, 6);
        Assert.Equal(40, plan.Objective.Total, 6);
    }

    [Fact]
    public void Capacity_splits_opposite_customers_over_two_vehicles()
    {
        var problem = Problem(
            [L("depot", 0, 0), L("east", 10, 0), L("west", -10, 0), L("east2", 11, 0)],
            [Van("v1", capacity: 2), Van("v2", capacity: 2)],
            [J("e", "east"), J("w", "west", amount: 2), J("e2", "east2")]);
        var plan = SolveValid(problem);
        Assert.Equal(2, plan.Routes.Count);
        Assert.Equal(42, plan.Objective.TotalDistance, 6);
        var eastRoute = plan.Routes.Single(r => Order(r).Contains("e"));
        Assert.Equal(["e", "e2"], Order(eastRoute));
        Assert.Equal([2L], eastRoute.Stops[0].Load);
        Assert.Equal([0L], eastRoute.Stops[^1].Load);
    }

    [Fact]
    public void Time_windows_decide_the_order()
    {
        // b is closer but its window opens late: a first, then b.
        var problem = Problem(
            [L("depot", 0, 0), L("a", 10, 0), L("b", 5, 0)],
            [Van("v1")],
            [J("a", "a", window: new TimeWindow(0, 10)), J("b", "b", window: new TimeWindow(12, 100))]);
        var plan = SolveValid(problem);
        var route = Assert.Single(plan.Routes);
        Assert.Equal(["a", "b"], Order(route));
        var b = route.Stops.Single(s => s.JobId == "b");
        Assert.Equal(15, b.Arrival, 6);
        Assert.Equal(15, b.ServiceStart, 6);
    }

    [Fact]
    public void Soft_windows_give_a_plan_with_reported_lateness_where_hard_windows_drop_a_job()
    {
        // Two customers 100 apart, both due by 100: one vehicle cannot be on time at both.
        Job Late(string id, string loc, WindowPolicy policy) =>
            new(id, new Visit(loc, 0, new TimeWindow(0, 100), policy, LatenessCostPerMinute: 60), [1]);
        var locations = new[] { L("depot", 0, 0), L("a", 100, 0), L("b", -100, 0) };

        var soft = Problem(locations, [Van("v1")], [Late("a", "a", WindowPolicy.Soft), Late("b", "b", WindowPolicy.Soft)]);
        var softPlan = SolveValid(soft);
        Assert.Empty(softPlan.Unassigned);
        var stops = softPlan.Routes.Single().Stops.Where(s => s.JobId is not null).ToList();
        Assert.Equal(0, stops[0].LatenessSeconds, 6);
        Assert.Equal(200, stops[1].LatenessSeconds, 6);
        Assert.Equal(200, softPlan.Routes.Single().LatenessSeconds, 6);
        Assert.Equal(200, softPlan.Objective.LatenessCost, 6); // 60 per minute = 1 per second
        Assert.Equal(400, softPlan.Objective.DistanceCost, 6);

        var hard = Problem(locations, [Van("v1")], [Late("a", "a", WindowPolicy.Hard), Late("b", "b", WindowPolicy.Hard)]);
        var hardPlan = SolveValid(hard);
        var dropped = Assert.Single(hardPlan.Unassigned);
        Assert.Equal(UnassignedReason.FleetFull, dropped.Reason);
    }

    private static RoutingProblem TwoShipments(double? maxRide) => Problem(
        [L("depot", 0, 0), L("p1", 10, 0), L("d1", 20, 0), L("p2", 10, 1), L("d2", 20, 1)],
        [Van("v1")],
        shipments:
        [
            new Shipment("s1", new Visit("p1"), new Visit("d1"), [1], maxRide),
            new Shipment("s2", new Visit("p2"), new Visit("d2"), [1], maxRide),
        ]);

    private static double MaxRide(RoutePlan route)
    {
        var picked = new Dictionary<string, double>();
        var worst = 0.0;
        foreach (var s in route.Stops)
        {
            if (s.Type == StopType.Pickup)
            {
                picked[s.JobId!] = s.Departure;
            }
            else if (s.Type == StopType.Delivery)
            {
                worst = Math.Max(worst, s.ServiceStart - picked[s.JobId!]);
            }
        }
        return worst;
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Ride_time_limit_is_respected(SolverStrategy strategy)
    {
        // Without a limit both are picked up first (one ride is at least 11); with 10.5 each
        // shipment must be delivered straight after its pick-up.
        var free = SolveValid(TwoShipments(null), Fast(strategy));
        Assert.True(MaxRide(free.Routes.Single()) > 10.5);

        var limited = SolveValid(TwoShipments(10.5), Fast(strategy));
        Assert.Empty(limited.Unassigned);
        var route = limited.Routes.Single();
        Assert.True(MaxRide(route) <= 10.5 + 1e-9);
        var kinds = route.Stops.Where(s => s.JobId is not null).Select(s => s.Type).ToList();
        Assert.Equal([StopType.Pickup, StopType.Delivery, StopType.Pickup, StopType.Delivery], kinds);
    }

    [Fact]
    public void Pickup_precedes_delivery_and_load_follows_the_shipments()
    {
        var problem = Problem(
            [L("depot", 0, 0), L("market", 5, 0), L("c1", 10, 0), L("c2", 10, 2)],
            [Van("v1", capacity: 5)],
            shipments:
            [
                new Shipment("fish", new Visit("market", 60, new TimeWindow(100, 200)), new Visit("c1", 30), [3]),
                new Shipment("kimchi", new Visit("market", 60, new TimeWindow(0, 200)), new Visit("c2", 30), [2]),
            ]);
        var plan = SolveValid(problem);
        Assert.Empty(plan.Unassigned);
        var route = plan.Routes.Single();
        Assert.Equal(5L, route.Stops.Max(s => s.Load[0]));
        var fishPickup = route.Stops.Single(s => s.JobId == "fish" && s.Type == StopType.Pickup);
        Assert.True(fishPickup.ServiceStart >= 100);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Delivered_jobs_free_room_for_a_later_pickup(SolverStrategy strategy)
    {
        // Capacity 2: the job (2 on board from the start) must be delivered before the shipment
        // (2) is picked up; the pick-up opens only at 100.
        var problem = Problem(
            [L("depot", 0, 0), L("c", 10, 0), L("market", 20, 0), L("home", 30, 0)],
            [Van("v1", capacity: 2)],
            [J("j", "c", amount: 2)],
            [new Shipment("s", new Visit("market", 0, new TimeWindow(100, 200)), new Visit("home"), [2])]);
        var plan = SolveValid(problem, Fast(strategy));
        Assert.Empty(plan.Unassigned);
        Assert.Equal(["j", "s", "s"], Order(plan.Routes.Single()));
    }

    [Fact]
    public void Job_too_big_for_every_vehicle_is_unassigned_with_the_capacity_reason()
    {
        var problem = Problem(
            [L("depot", 0, 0), L("a", 1, 0), L("b", 2, 0)],
            [Van("v1", capacity: 10), Van("v2", capacity: 12)],
            [J("small", "a", amount: 5), J("huge", "b", amount: 15)]);
        var plan = SolveValid(problem);
        var u = Assert.Single(plan.Unassigned);
        Assert.Equal("huge", u.JobId);
        Assert.Equal(UnassignedReason.NoVehicleWithCapacity, u.Reason);
        Assert.Equal(RoutingProblem.DefaultUnassignedPenalty, plan.Objective.UnassignedPenalty);
    }

    [Fact]
    public void Other_unassigned_reasons_are_told_apart()
    {
        var problem = Problem(
            [L("depot", 0, 0), L("near", 1, 0), L("far", 500, 0)],
            [Van("v1", shiftEnd: 600)],
            [
                new Job("cold", new Visit("near"), [1], Skills: ["coldbox"]),
                J("early", "far", window: new TimeWindow(0, 100)),
                J("tooFar", "far", window: new TimeWindow(0, 590)),
                J("ok", "near"),
            ]);
        var plan = SolveValid(problem);
        var reasons = plan.Unassigned.ToDictionary(u => u.JobId, u => u.Reason);
        Assert.Equal(UnassignedReason.MissingSkills, reasons["cold"]);
        Assert.Equal(UnassignedReason.WindowUnreachable, reasons["early"]);
        Assert.Equal(UnassignedReason.ShiftTooShort, reasons["tooFar"]);
        Assert.False(reasons.ContainsKey("ok"));
    }

    [Fact]
    public void Skills_keep_a_job_on_the_vehicle_that_has_them()
    {
        var problem = Problem(
            [L("depot", 0, 0), L("a", 1, 0), L("b", -1, 0)],
            [Van("plain"), Van("cold", skills: ["coldbox"])],
            [new Job("fish", new Visit("b"), [1], Skills: ["coldbox"]), J("greens", "a")]);
        var plan = SolveValid(problem);
        Assert.Contains("fish", Order(plan.Routes.Single(r => r.VehicleId == "cold")));
    }

    [Fact]
    public void Open_route_ends_at_the_last_stop()
    {
        var problem = Problem(
            [L("courier", 0, 0), L("a", 3, 4)],
            [Van("v1", start: "courier", end: null)],
            [J("a", "a")]);
        var plan = SolveValid(problem);
        var route = plan.Routes.Single();
        Assert.Equal(5, route.Distance, 6);
        Assert.Equal(StopType.Job, route.Stops[^1].Type);
    }
}
