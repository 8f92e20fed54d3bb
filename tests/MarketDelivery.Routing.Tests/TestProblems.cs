using MarketDelivery.Routing;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Travel;
using MarketDelivery.Routing.Validation;

namespace MarketDelivery.Routing.Tests;

/// <summary>Small hand-made problems on a plane (Euclidean distance, unit speed).</summary>
internal static class TestProblems
{
    public static readonly EuclideanTravelSource Plane = new();

    public static Location L(string id, double x, double y) => new(id, x, y);

    public static Vehicle Van(string id, long capacity = 100, double shiftEnd = 10_000, string start = "depot", string? end = "depot", IReadOnlyList<string>? skills = null) =>
        new(id, start, end, new TimeWindow(0, shiftEnd), [capacity], TravelMode.Car, skills, VehicleCosts.DistanceOnly);

    public static Job J(string id, string location, long amount = 1, TimeWindow? window = null, double service = 0) =>
        new(id, new Visit(location, service, window), [amount]);

    public static RoutingProblem Problem(IReadOnlyList<Location> locations, IReadOnlyList<Vehicle> vehicles, IReadOnlyList<Job>? jobs = null,
        IReadOnlyList<Shipment>? shipments = null, IReadOnlyList<InitialRoute>? initial = null) =>
        new(["units"], locations, vehicles, jobs ?? [], shipments ?? [], initial);

    public static SolveOptions Fast(SolverStrategy strategy = SolverStrategy.OrToolsThenRuinRecreate) => new()
    {
        TimeLimit = TimeSpan.FromSeconds(5),
        MaxIterations = 3000,
        Strategy = strategy,
    };

    /// <summary>Solves and asserts the independent validator finds nothing wrong.</summary>
    public static RoutingPlan SolveValid(RoutingProblem problem, SolveOptions? options = null, ITravelMatrixSource? travel = null)
    {
        travel ??= Plane;
        var plan = new RoutingSolver(travel).Solve(problem, options ?? Fast());
        var report = new PlanValidator(travel).Validate(problem, plan);
        Assert.True(report.IsFeasible, report.ToString());
        return plan;
    }

    public static IReadOnlyList<string> Order(RoutePlan route) =>
        route.Stops.Where(s => s.JobId is not null).Select(s => s.JobId!).ToList();

    /// <summary>The benchmark folder <c>shared/benchmarks/solomon</c> beside the repository.</summary>
    public static string SolomonFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "benchmarks", "solomon");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"No shared/benchmarks/solomon folder found above {AppContext.BaseDirectory}; clone the repository with ../shared beside it.");
    }

    public static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
}
