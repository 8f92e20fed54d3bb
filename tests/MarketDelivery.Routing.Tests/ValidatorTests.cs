using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Validation;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

/// <summary>The validator must catch broken plans, or the feasibility checks elsewhere mean nothing.</summary>
public class ValidatorTests
{
    private static readonly RoutingProblem Small = Problem(
        [L("depot", 0, 0), L("a", 10, 0), L("b", 10, 10), L("m", 5, 0)],
        [Van("v1", capacity: 4, shiftEnd: 100)],
        [J("a", "a", window: new TimeWindow(0, 20)), J("b", "b"), J("m", "m")],
        shipments: [new Shipment("s", new Visit("m"), new Visit("b"), [1], MaxRideSeconds: 30)]);

    private static (RoutingPlan Plan, PlanValidator Validator) Solved()
    {
        var plan = SolveValid(Small);
        return (plan, new PlanValidator(Plane));
    }

    private static RoutingPlan WithRoute(RoutingPlan plan, Func<RoutePlan, RoutePlan> change) =>
        plan with { Routes = [change(plan.Routes[0])] };

    private static RoutePlan WithStops(RoutePlan r, Func<List<Stop>, List<Stop>> change) => r with { Stops = change(r.Stops.ToList()) };

    [Fact]
    public void A_solved_plan_is_feasible()
    {
        var (plan, validator) = Solved();
        var report = validator.Validate(Small, plan);
        Assert.True(report.IsFeasible, report.ToString());
        Assert.Equal(4, report.ServedJobs);
        Assert.Equal(plan.Objective.TotalDistance, report.RecomputedDistance, 9);
    }

    [Fact]
    public void Wrong_times_and_distances_are_reported()
    {
        var (plan, validator) = Solved();
        var bad = WithRoute(plan, r => WithStops(r, s => { s[1] = s[1] with { Arrival = s[1].Arrival + 1 }; return s; }) with { Distance = r.Distance + 5 });
        var report = validator.Validate(Small, bad);
        Assert.Contains(report.Violations, v => v.Contains("times reported"));
        Assert.Contains(report.Violations, v => v.Contains("distance reported"));
    }

    [Fact]
    public void A_missed_window_shift_and_capacity_are_reported()
    {
        var (plan, validator) = Solved();
        var tight = Small with
        {
            Vehicles = [Van("v1", capacity: 1, shiftEnd: 10)],
            Jobs = [J("a", "a", window: new TimeWindow(0, 1)), J("b", "b"), J("m", "m")],
        };
        var report = validator.Validate(tight, plan);
        Assert.Contains(report.Violations, v => v.Contains("after its window ends"));
        Assert.Contains(report.Violations, v => v.Contains("after the shift ends"));
        Assert.Contains(report.Violations, v => v.Contains("exceeds capacity"));
    }

    [Fact]
    public void Duplicates_missing_jobs_and_delivery_before_pickup_are_reported()
    {
        var (plan, validator) = Solved();
        var route = plan.Routes[0];
        var jobA = route.Stops.First(s => s.JobId == "a");
        var duplicated = WithRoute(plan, r => WithStops(r, s => { s.Insert(1, jobA); return s; }));
        Assert.Contains(validator.Validate(Small, duplicated).Violations, v => v.Contains("'a' is served more than once"));

        var dropped = WithRoute(plan, r => WithStops(r, s => s.Where(x => x.JobId != "b").ToList()));
        Assert.Contains(validator.Validate(Small, dropped).Violations, v => v.Contains("'b' is neither served nor reported unassigned"));

        var reversed = WithRoute(plan, r => WithStops(r, s =>
        {
            var p = s.FindIndex(x => x.JobId == "s" && x.Type == StopType.Pickup);
            var d = s.FindIndex(x => x.JobId == "s" && x.Type == StopType.Delivery);
            (s[p], s[d]) = (s[d], s[p]);
            return s;
        }));
        Assert.Contains(validator.Validate(Small, reversed).Violations, v => v.Contains("without an earlier pick-up"));
    }

    [Fact]
    public void Ride_time_over_the_limit_is_reported()
    {
        var (plan, validator) = Solved();
        var strict = Small with { Shipments = [new Shipment("s", new Visit("m"), new Visit("b"), [1], MaxRideSeconds: 1)] };
        Assert.Contains(validator.Validate(strict, plan).Violations, v => v.Contains("more than its maximum"));
    }
}
