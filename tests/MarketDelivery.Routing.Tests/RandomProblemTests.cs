using MarketDelivery.Routing.Model;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

/// <summary>
/// Random problems with every feature at once (two amount dimensions, shipments, ride limits, soft
/// and hard windows, skills, open routes, mixed travel modes): every plan must pass the validator
/// and account for every job.
/// </summary>
public class RandomProblemTests
{
    private static RoutingProblem Random(int seed, bool soft, bool ride)
    {
        var rng = new Random(seed);
        var locations = new List<Location> { L("market", 50, 50) };
        for (var i = 0; i < 30; i++)
        {
            locations.Add(L("c" + i, rng.Next(0, 100), rng.Next(0, 100)));
        }
        var vehicles = new List<Vehicle>
        {
            new("v1", "market", "market", new TimeWindow(0, 600), [20, 6], TravelMode.Car),
            new("v2", "market", null, new TimeWindow(50, 500), [15, 4], TravelMode.Bicycle, ["coldbox"]),
            new("v3", "c0", "market", new TimeWindow(0, 700), [25, 8], TravelMode.Car, ["coldbox"], new VehicleCosts(Fixed: 30, PerHour: 100, PerKm: 500)),
        };
        TimeWindow Window()
        {
            var start = rng.Next(0, 400);
            return new TimeWindow(start, start + rng.Next(30, 200));
        }
        Visit V(string loc) => new(loc, rng.Next(0, 10), Window(),
            soft && rng.Next(3) == 0 ? WindowPolicy.Soft : WindowPolicy.Hard, LatenessCostPerMinute: 30);
        var jobs = Enumerable.Range(0, 14).Select(i => new Job("j" + i, V("c" + rng.Next(1, 30)),
            [rng.Next(1, 6), rng.Next(0, 2)], rng.Next(5) == 0 ? ["coldbox"] : null, rng.Next(0, 3))).ToList();
        var shipments = Enumerable.Range(0, 6).Select(i =>
        {
            var pickup = new Visit(rng.Next(2) == 0 ? "market" : "c" + rng.Next(1, 30), 5, new TimeWindow(0, 400));
            return new Shipment("s" + i, pickup, V("c" + rng.Next(1, 30)), [rng.Next(1, 6), 1],
                ride ? rng.Next(60, 200) : null, rng.Next(4) == 0 ? ["coldbox"] : null);
        }).ToList();
        return Problem(locations, vehicles, jobs, shipments) with { AmountDimensions = ["kg", "bags"] };
    }

    /// <summary>Plane distances; a bicycle takes twice as long as a car.</summary>
    private sealed class ModePlane : Travel.ITravelMatrixSource
    {
        public Travel.TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken)
        {
            var plane = Plane.GetMatrix(locations, mode, cancellationToken);
            var n = plane.Size;
            var dist = new double[n * n];
            var dur = new double[n * n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    dist[(i * n) + j] = plane.Distance(i, j);
                    dur[(i * n) + j] = plane.Distance(i, j) * (mode == TravelMode.Bicycle ? 2 : 1);
                }
            }
            return new Travel.TravelMatrix(n, dur, dist);
        }
    }

    public static TheoryData<int, bool, bool, SolverStrategy> Cases()
    {
        var data = new TheoryData<int, bool, bool, SolverStrategy>();
        for (var seed = 1; seed <= 4; seed++)
        {
            data.Add(seed, false, false, SolverStrategy.OrToolsThenRuinRecreate);
            data.Add(seed, true, true, SolverStrategy.OrToolsThenRuinRecreate);
            data.Add(seed, seed % 2 == 0, seed % 2 == 1, SolverStrategy.RuinRecreateOnly);
        }
        data.Add(9, true, true, SolverStrategy.OrToolsOnly);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Random_problem_gives_a_valid_plan(int seed, bool soft, bool ride, SolverStrategy strategy)
    {
        var problem = Random(seed, soft, ride);
        var plan = SolveValid(problem, Fast(strategy) with { MaxIterations = 400 }, new ModePlane());
        Assert.Equal(problem.Jobs.Count + problem.Shipments.Count,
            plan.Routes.SelectMany(r => r.Stops).Where(s => s.JobId is not null).Select(s => s.JobId).Distinct().Count() + plan.Unassigned.Count);
        // The instances are built so that most jobs fit; a solver that gives up would fail here.
        Assert.True(plan.Unassigned.Count <= 8, $"{plan.Unassigned.Count} unassigned: " + string.Join(", ", plan.Unassigned.Select(u => $"{u.JobId} {u.Reason}")));
    }
}
