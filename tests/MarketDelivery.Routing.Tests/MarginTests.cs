using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Validation;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

/// <summary>A soft window's graded prices: its margin (cheaper than lateness) and a late visit's fixed cost.</summary>
public class MarginTests
{
    // On the plane a unit of distance takes a second: 60 per minute is 1 per second.
    private static Job Soft(string id, string loc, double end, double margin, double marginCost = 60, double lateCost = 120, double lateFixed = 0) =>
        new(id, new Visit(loc, 0, new TimeWindow(0, end), WindowPolicy.Soft, lateCost, MaxLatenessSeconds: null, margin, marginCost, lateFixed), [1]);

    /// <summary>
    /// One van, a due by 100 to the east, b and c due by 220 to the west. East first: b and c 40 s late each (80 s,
    /// two late). West first: a 120 s late (one late). Minutes alone choose east first; a fixed price per late visit
    /// above 40 s of lateness chooses west first.
    /// </summary>
    private static RoutingProblem FewLateOrMany(double lateFixed) => Problem(
        [L("depot", 0, 0), L("east", 100, 0), L("west", -60, 0)], [Van("v1", end: null)],
        [Soft("a", "east", end: 100, margin: 0, lateFixed: lateFixed), Soft("b", "west", end: 220, margin: 0, lateFixed: lateFixed),
            Soft("c", "west", end: 220, margin: 0, lateFixed: lateFixed)]);

    [Fact]
    public void A_fixed_price_per_late_visit_makes_fewer_visits_late_where_minutes_alone_spread_the_lateness()
    {
        var minutes = SolveValid(FewLateOrMany(lateFixed: 0));
        Assert.Equal("a", Order(minutes.Routes.Single())[0]);
        Assert.Equal(2, minutes.Routes.Single().Stops.Count(s => s.LatenessSeconds > 0));
        Assert.Equal(80 * 2, minutes.Objective.LatenessCost, 6);

        var counted = SolveValid(FewLateOrMany(lateFixed: 1_000));
        Assert.Equal("a", Order(counted.Routes.Single())[^1]);
        var late = Assert.Single(counted.Routes.Single().Stops, s => s.LatenessSeconds > 0);
        Assert.Equal(120, late.LatenessSeconds, 6);
        Assert.Equal((120 * 2) + 1_000, counted.Objective.LatenessCost, 6);
    }

    [Fact]
    public void The_validator_counts_a_late_visits_fixed_price_and_rejects_a_negative_one()
    {
        var problem = FewLateOrMany(lateFixed: 1_000);
        var plan = SolveValid(problem);
        var hidden = plan with { Objective = plan.Objective with { LatenessCost = 240, Total = plan.Objective.Total - 1_000 } };
        Assert.Contains(new PlanValidator(Plane).Validate(problem, hidden).Violations, v => v.Contains("lateness cost", StringComparison.Ordinal));

        Assert.Throws<RoutingProblemException>(() => RoutingSolver.Validate(FewLateOrMany(lateFixed: -1)));
    }

    [Fact]
    public void Minutes_inside_the_margin_cost_their_price_and_lateness_is_charged_on_top()
    {
        var locations = new[] { L("depot", 0, 0), L("a", 100, 0), L("b", -100, 0) };
        // a is reached at 100: 10 s inside its margin (90..150). b, reached at 300, keeps its whole window.
        var inside = SolveValid(Problem(locations, [Van("v1")], [Soft("a", "a", end: 150, margin: 60), Soft("b", "b", end: 1_000, margin: 0)]));
        Assert.Equal(["a", "b"], Order(inside.Routes.Single()));
        Assert.Equal(10, inside.Objective.LatenessCost, 6);
        Assert.All(inside.Routes.Single().Stops, s => Assert.Equal(0, s.LatenessSeconds, 6));

        // Due by 80 with a 30 s margin: 30 s inside at 1 per second, then 20 s late at 2 per second.
        var late = SolveValid(Problem(locations, [Van("v1")], [Soft("a", "a", end: 80, margin: 30), Soft("b", "b", end: 1_000, margin: 0)]));
        var a = late.Routes.Single().Stops.Single(s => s.JobId == "a");
        Assert.Equal(20, a.LatenessSeconds, 6);
        Assert.Equal(30 + 40, late.Objective.LatenessCost, 6);
    }

    [Fact]
    public void A_second_vehicle_is_used_to_keep_the_margin_though_one_would_do_on_time()
    {
        // East and west of the depot, due by 400 with the last 150 s a margin. One van is on time at both (the second
        // at 300, 50 s inside the margin); a second van costs 1 000 but keeps both outside it.
        var locations = new[] { L("depot", 0, 0), L("east", 100, 0), L("west", -100, 0) };
        Vehicle Paid(string id) => Van(id, end: null) with { Costs = new VehicleCosts(Fixed: 1_000) };
        RoutingProblem WithMargin(double margin) =>
            Problem(locations, [Paid("v1"), Paid("v2")], [Soft("e", "east", end: 400, margin: margin), Soft("w", "west", end: 400, margin: margin)]);

        var kept = SolveValid(WithMargin(150));
        Assert.Equal(2, kept.Objective.VehiclesUsed);
        Assert.Equal(0, kept.Objective.LatenessCost, 6);

        var none = SolveValid(WithMargin(0));
        Assert.Equal(1, none.Objective.VehiclesUsed);
        Assert.Equal(0, none.Objective.LatenessCost, 6);
    }

    [Fact]
    public void The_validator_counts_the_margin_in_the_lateness_cost()
    {
        var locations = new[] { L("depot", 0, 0), L("a", 100, 0) };
        var problem = Problem(locations, [Van("v1")], [Soft("a", "a", end: 150, margin: 60)]);
        var plan = SolveValid(problem);
        Assert.Equal(10, plan.Objective.LatenessCost, 6);

        var hidden = plan with { Objective = plan.Objective with { LatenessCost = 0, Total = plan.Objective.Total - 10 } };
        Assert.Contains(new PlanValidator(Plane).Validate(problem, hidden).Violations, v => v.Contains("lateness cost", StringComparison.Ordinal));
    }

    [Fact]
    public void A_negative_margin_is_rejected()
    {
        var problem = Problem([L("depot", 0, 0), L("a", 100, 0)], [Van("v1")], [Soft("a", "a", end: 150, margin: -1)]);
        Assert.Throws<RoutingProblemException>(() => RoutingSolver.Validate(problem));
    }
}
