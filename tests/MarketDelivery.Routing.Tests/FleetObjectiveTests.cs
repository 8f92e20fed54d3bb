using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Validation;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

/// <summary>
/// The objective hierarchy: service (unassigned, lateness) first, then couriers used (vehicles with
/// a fixed cost), then travel. Every plan is checked by the independent validator.
/// </summary>
public class FleetObjectiveTests
{
    /// <summary>
    /// A must be served early in the east, B in the middle of the morning in the west, C late next
    /// to A. Two vans do it in 41.05 (A then C, and B); one van can only go A, B, C: 60.07.
    /// </summary>
    private static RoutingProblem ZigZag(double fixedCost) => Problem(
        [L("depot", 0, 0), L("a", 10, 0), L("b", -10, 0), L("c", 10, 1)],
        [
            Van("v1") with { Costs = new VehicleCosts(Fixed: fixedCost) },
            Van("v2") with { Costs = new VehicleCosts(Fixed: fixedCost) },
            Van("v3") with { Costs = new VehicleCosts(Fixed: fixedCost) },
        ],
        [
            J("a", "a", window: new TimeWindow(0, 10)),
            J("b", "b", window: new TimeWindow(30, 35)),
            J("c", "c", window: new TimeWindow(55, 70)),
        ]);

    public static TheoryData<SolverStrategy> Strategies => new()
    {
        SolverStrategy.OrToolsThenRuinRecreate,
        SolverStrategy.RuinRecreateOnly,
    };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Distance_only_uses_two_vans_where_one_suffices(SolverStrategy strategy)
    {
        var plan = SolveValid(ZigZag(0), Fast(strategy));
        Assert.Equal(2, plan.Routes.Count);
        Assert.Equal(2, plan.Objective.VehiclesUsed);
        Assert.Equal(30 + 1 + Math.Sqrt(101), plan.Objective.TotalDistance, 6);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Any_positive_vehicle_cost_uses_one_van_even_when_distance_grows_more(SolverStrategy strategy)
    {
        // A weighted sum with a cost of 1 per van would keep two vans (41.05 + 2 < 60.07 + 1):
        // the fleet ranks above distance whatever the magnitudes.
        var problem = ZigZag(1);
        var plan = SolveValid(problem, Fast(strategy));
        var route = Assert.Single(plan.Routes);
        Assert.Equal(["a", "b", "c"], Order(route));
        Assert.Equal(1, plan.Objective.VehiclesUsed);
        Assert.Equal(1, plan.Objective.FixedCost, 9);
        Assert.Equal(10 + 20 + Math.Sqrt(401) + Math.Sqrt(101), plan.Objective.TotalDistance, 6);
        var report = new PlanValidator(Plane).Validate(problem, plan);
        Assert.Equal(1, report.VehiclesUsed);
        Assert.Equal(1, report.RecomputedFixedCost, 9);
    }

    [Fact]
    public void Validator_reports_a_wrong_vehicle_count_in_the_objective()
    {
        var problem = ZigZag(1);
        var plan = SolveValid(problem);
        var tampered = plan with { Objective = plan.Objective with { VehiclesUsed = 2, FixedCost = 2 } };
        var report = new PlanValidator(Plane).Validate(problem, tampered);
        Assert.Contains(report.Violations, v => v.Contains("vehicles used", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.Contains("fixed cost", StringComparison.Ordinal));
    }

    /// <summary>
    /// Customers with soft windows around a market; lateness is cheap (1 per minute) and couriers
    /// are dear (100 000 each), so a weighted sum would rather be late than pay a courier.
    /// </summary>
    private static RoutingProblem SoftWindows(int seed, int vehicles, double fixedCost = 100_000)
    {
        var rng = new Random(seed);
        var locations = new List<Location> { L("market", 50, 50) };
        var jobs = new List<Job>();
        for (var i = 0; i < 10; i++)
        {
            locations.Add(L("c" + i, rng.Next(0, 100), rng.Next(0, 100)));
            // Every window opens after a direct trip from the market (at most 71) could arrive.
            var start = rng.Next(80, 250);
            jobs.Add(new Job("j" + i, new Visit("c" + i, 5, new TimeWindow(start, start + rng.Next(10, 40)), WindowPolicy.Soft, LatenessCostPerMinute: 1), [1]));
        }
        var fleet = Enumerable.Range(1, vehicles)
            .Select(v => Van("v" + v, shiftEnd: 5_000, start: "market", end: "market") with { Costs = new VehicleCosts(Fixed: fixedCost) })
            .ToList();
        return Problem(locations, fleet, jobs);
    }

    private static (RoutingPlan Plan, ValidationReport Report) SolveSoft(RoutingProblem problem)
    {
        var plan = SolveValid(problem, Fast() with { MaxIterations = 4000 });
        var report = new PlanValidator(Plane).Validate(problem, plan);
        Assert.Empty(plan.Unassigned);
        Assert.Equal(report.VehiclesUsed, plan.Objective.VehiclesUsed);
        Assert.Equal(plan.Routes.Sum(r => r.LatenessSeconds), report.RecomputedLatenessSeconds, 6);
        return (plan, report);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Adding_a_courier_never_makes_the_plan_later(int seed)
    {
        var lateness = new List<double>();
        foreach (var vehicles in new[] { 1, 2, 3, 4, 10 })
        {
            var (_, report) = SolveSoft(SoftWindows(seed, vehicles));
            lateness.Add(report.RecomputedLatenessSeconds);
        }
        for (var k = 1; k < lateness.Count; k++)
        {
            Assert.True(lateness[k] <= lateness[k - 1] + 1e-6,
                $"seed {seed}: more couriers are later: {string.Join(", ", lateness.Select(x => x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s for 1, 2, 3, 4, 10 couriers");
        }
        // One courier alone cannot be on time here; with one per customer, nobody is late.
        Assert.True(lateness[0] > 0, $"seed {seed}: one courier is on time, the instance tests nothing");
        Assert.Equal(0, lateness[^1], 6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_dear_courier_does_not_buy_lateness(int seed)
    {
        // Same fleet, courier cost 0 or 100 000: the lateness is the same (zero here), only the
        // number of couriers may differ below it.
        var (free, _) = SolveSoft(SoftWindows(seed, 10, fixedCost: 0));
        var (dear, _) = SolveSoft(SoftWindows(seed, 10));
        Assert.Equal(0, free.Routes.Sum(r => r.LatenessSeconds), 6);
        Assert.Equal(0, dear.Routes.Sum(r => r.LatenessSeconds), 6);
        Assert.True(dear.Objective.VehiclesUsed <= free.Objective.VehiclesUsed);
    }
}
