using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>Settings that reach the routing library as they are documented.</summary>
public class SettingsTests
{
    private readonly DispatchPlanner _planner = new();

    [Fact]
    public void A_lower_work_rate_bounds_the_search_whatever_the_time_limit()
    {
        var snapshot = new DispatchSnapshot(Now, Wave(20, seed: 5), [Courier("c1"), Courier("c2"), Courier("c3")]);

        // 1 000 work units per second of a 3 s limit: the search stops after its first iterations, far short of what
        // half a second of search at the calibrated rate does.
        var bounded = _planner.Solve(snapshot, Fast(3) with { WorkUnitsPerSecond = 1_000 });
        var free = _planner.Solve(snapshot, Fast(0.5));

        AssertSound(bounded.Plan);
        Assert.Empty(bounded.Plan.Unassigned);
        Assert.True(bounded.Routing.Summary!.WorkUnits * 10 < free.Routing.Summary!.WorkUnits, $"work {bounded.Routing.Summary.WorkUnits} against {free.Routing.Summary.WorkUnits}");
        Assert.True(bounded.Plan.SolveTime < TimeSpan.FromSeconds(2.5), "the search stops on its budget, not on the clock");
    }

    [Fact]
    public void A_district_plan_gets_the_square_of_its_markets_times_the_solve_limits_up_to_the_cap()
    {
        var market = new DispatchSettings { SolveTimeLimit = TimeSpan.FromSeconds(2), IncrementalTimeLimit = TimeSpan.FromMilliseconds(250) };

        Assert.Same(market, market.ForMarkets(1));
        Assert.Same(market, market.ForMarkets(0));
        var two = market.ForMarkets(2);
        Assert.Equal(TimeSpan.FromSeconds(8), two.SolveTimeLimit);
        Assert.Equal(TimeSpan.FromSeconds(1), two.IncrementalTimeLimit);
        Assert.Equal(market with { SolveTimeLimit = two.SolveTimeLimit, IncrementalTimeLimit = two.IncrementalTimeLimit }, two);
        Assert.Equal(TimeSpan.FromSeconds(18), market.ForMarkets(9).SolveTimeLimit);
        Assert.Equal(TimeSpan.FromSeconds(8), (market with { MaxMarketsPerSolve = 2 }).ForMarkets(9).SolveTimeLimit);
    }

    [Fact]
    public void The_plan_does_not_depend_on_how_long_the_travel_times_took_to_fetch()
    {
        // A routing server (or a busy machine) can take a good part of the limit before the search starts. The
        // search's work is set by the limit, not by what the clock has left of it, so the plan stays the same as long
        // as the work fits in what is left (here: a quiet machine's tenth of a second of work within 4 s, so that a busy
        // test machine still finishes it after the slow fetches).
        var snapshot = new DispatchSnapshot(Now, Wave(40, seed: 7), [Courier("c1"), Courier("c2"), Courier("c3"), Courier("c4")]);
        var settings = Fast(4) with { WorkUnitsPerSecond = 1_000_000 };

        var quick = new DispatchPlanner().Plan(snapshot, settings);
        var slow = new DispatchPlanner(new SlowTravel(TimeSpan.FromMilliseconds(700))).Plan(snapshot, settings);

        AssertSound(quick);
        Assert.Equal(Describe(quick), Describe(slow));
    }

    [Fact]
    public void The_hard_window_share_splits_the_search_work_between_the_two_passes()
    {
        var snapshot = new DispatchSnapshot(Now, Wave(40, seed: 7), [Courier("c1"), Courier("c2"), Courier("c3"), Courier("c4")]);
        var settings = Fast(2) with { WorkUnitsPerSecond = 2_000_000 };

        // The solution's search summary is the soft-window pass's, which gets the work the hard-window pass leaves.
        var mostlyHard = _planner.Solve(snapshot, settings with { HardWindowShare = 0.8 }).Routing.Summary!;
        var even = _planner.Solve(snapshot, settings with { HardWindowShare = 0.5 }).Routing.Summary!;

        Assert.Equal("work budget", mostlyHard.StoppedBy);
        Assert.Equal("work budget", even.StoppedBy);
        Assert.InRange(even.WorkUnits, mostlyHard.WorkUnits * 2.2, mostlyHard.WorkUnits * 2.8);
    }

    [Fact]
    public void The_late_order_cost_prices_each_delivery_once_but_not_the_hard_window_pass()
    {
        var snapshot = new DispatchSnapshot(Now, Wave(6), [Courier("c1")]);
        var problem = ProblemBuilder.Build(snapshot, Fast() with { LateOrderCost = 30_000 }).Problem;

        Assert.All(problem.Shipments, s => Assert.Equal((30_000d, 0d), (s.Delivery.LateFixedCost, s.Pickup.LateFixedCost)));
        Assert.All(ProblemBuilder.Build(snapshot, Fast()).Problem.Shipments, s => Assert.Equal(0, s.Delivery.LateFixedCost));
        // The hard-window pass plans no lateness, so nothing is late there to price.
        var hard = HardWindows.Of(problem, new MarketDelivery.Routing.Travel.GreatCircleTravelSource(), CancellationToken.None);
        Assert.All(hard.Shipments, s => Assert.Equal(0, s.Delivery.LateFixedCost));
    }

    private static string Describe(DispatchPlan plan) => string.Join(" | ", plan.Routes.Select(r =>
        r.CourierId + ": " + string.Join(" ", r.Stops.Select(s => $"{s.Kind}:{s.OrderId}"))));

    /// <summary>Great-circle travel times that take a while to arrive, as from a routing server.</summary>
    private sealed class SlowTravel(TimeSpan delay) : MarketDelivery.Routing.Travel.ITravelMatrixSource
    {
        private readonly MarketDelivery.Routing.Travel.GreatCircleTravelSource _inner = new();

        public MarketDelivery.Routing.Travel.TravelMatrix GetMatrix(IReadOnlyList<MarketDelivery.Routing.Model.Location> locations,
            MarketDelivery.Routing.Model.TravelMode mode, CancellationToken cancellationToken)
        {
            Thread.Sleep(delay);
            return _inner.GetMatrix(locations, mode, cancellationToken);
        }
    }

    // Two customers 3 km from the market in opposite directions, both due within 50 minutes. One scooter can serve
    // both (the second at about 39 minutes); two scooters serve each at about 13.
    private static readonly DateTimeOffset DueBy = Now + TimeSpan.FromMinutes(50);

    private static DispatchSnapshot Opposite() => new(Now,
        [Order("north", 3_000, 0, windowStart: Now, windowEnd: DueBy), Order("south", 3_000, 180, windowStart: Now, windowEnd: DueBy)],
        [Courier("c1"), Courier("c2")]);

    [Fact]
    public void Without_a_margin_one_courier_serves_both_and_the_second_arrives_in_the_last_minutes()
    {
        var plan = _planner.Plan(Opposite(), Fast(0.4) with { DeliveryMargin = TimeSpan.Zero });

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.Equal(CourierOf(plan, "north"), CourierOf(plan, "south"));
        var last = new[] { plan.EtaOf("north")!.Value.Eta, plan.EtaOf("south")!.Value.Eta }.Max();
        Assert.InRange(last, DueBy - TimeSpan.FromMinutes(20), DueBy);
    }

    [Fact]
    public void The_margin_sends_the_idle_courier_rather_than_deliver_inside_the_last_minutes()
    {
        var settings = Fast(0.4) with { DeliveryMargin = TimeSpan.FromMinutes(20) };

        var plan = _planner.Plan(Opposite(), settings);

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.NotEqual(CourierOf(plan, "north"), CourierOf(plan, "south"));
        Assert.True(plan.EtaOf("north")!.Value.Eta <= DueBy - settings.DeliveryMargin);
        Assert.True(plan.EtaOf("south")!.Value.Eta <= DueBy - settings.DeliveryMargin);
        Assert.All(plan.Routes.SelectMany(r => r.Stops), s => Assert.Equal(TimeSpan.Zero, s.Lateness));
    }

    [Fact]
    public void The_default_margin_is_45_minutes_at_a_quarter_of_the_lateness_cost()
    {
        var settings = new DispatchSettings();
        Assert.Equal(TimeSpan.FromMinutes(45), settings.DeliveryMargin);
        Assert.Equal(0.25, settings.DeliveryMarginCostShare);
    }

    [Fact]
    public void A_busy_courier_eats_into_a_margin_before_it_makes_anyone_late()
    {
        // One courier, customers 3 km north and south, both booked until 45 minutes from now with a 20 minute margin
        // (25..45). Whichever goes second is reached at about 39 minutes, inside its margin but on time.
        var orders = new[]
        {
            Order("north", 3_000, 0, windowStart: Now, windowEnd: Now + TimeSpan.FromMinutes(45)),
            Order("south", 3_000, 180, windowStart: Now, windowEnd: Now + TimeSpan.FromMinutes(45)),
        };
        var solution = _planner.Solve(new DispatchSnapshot(Now, orders, [Courier("c1")]), Fast(0.4) with { DeliveryMargin = TimeSpan.FromMinutes(20) });

        AssertSound(solution.Plan);
        Assert.All(solution.Plan.Routes.SelectMany(r => r.Stops), s => Assert.Equal(TimeSpan.Zero, s.Lateness));
        var last = new[] { solution.Plan.EtaOf("north")!.Value.Eta, solution.Plan.EtaOf("south")!.Value.Eta }.Max();
        Assert.InRange(last, Now + TimeSpan.FromMinutes(25), Now + TimeSpan.FromMinutes(45));
        // Its minutes inside the margin are costed at a quarter of the lateness price, and nothing more.
        var inside = (last - (Now + TimeSpan.FromMinutes(25))).TotalMinutes;
        Assert.Equal(inside * 0.25 * new DispatchSettings().LatenessCostPerMinute, solution.Routing.Objective.LatenessCost, 3);
    }

    [Fact]
    public void Lateness_is_reported_from_the_booked_window_end_not_the_margin()
    {
        // One courier, two customers: "inside" is reached inside its margin (on time as booked), "past" after its end.
        var inside = Order("inside", 6_000, 90, windowStart: Now, windowEnd: Now + TimeSpan.FromMinutes(30));
        var past = Order("past", 3_000, 270, windowStart: Now, windowEnd: Now + TimeSpan.FromMinutes(10));
        var plan = _planner.Plan(new DispatchSnapshot(Now, [inside], [Courier("c1")]), Fast(0.3));
        var second = _planner.Plan(new DispatchSnapshot(Now, [past], [Courier("c1")]), Fast(0.3));

        AssertSound(plan);
        AssertSound(second);
        var eta = plan.EtaOf("inside")!.Value.Eta;
        // The margin is at most half the window: 15 of the 30 minutes.
        Assert.InRange(eta, inside.WindowEnd - TimeSpan.FromMinutes(15), inside.WindowEnd);
        Assert.Equal(TimeSpan.Zero, plan.Routes.SelectMany(r => r.Stops).Single(s => s.Kind == PlannedStopKind.Delivery).Lateness);
        var late = second.Routes.SelectMany(r => r.Stops).Single(s => s.Kind == PlannedStopKind.Delivery);
        Assert.True(late.ServiceStart > past.WindowEnd);
        Assert.Equal(late.ServiceStart - past.WindowEnd, late.Lateness);
    }

    [Fact]
    public void The_allowed_lateness_still_counts_from_the_booked_window_end()
    {
        // Ready 50 minutes after its window closes, 1 km away: about 57 minutes late, inside the hour allowed.
        var order = Order("slow", 1_000, 45, ready: SlotEnd + TimeSpan.FromMinutes(50));
        var plan = _planner.Plan(new DispatchSnapshot(Now, [order], [Courier("c1")]), Fast(0.3));

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.NotNull(plan.EtaOf("slow"));
    }
}
