using System.Diagnostics;
using Google.OrTools.ConstraintSolver;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Solving;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Routing;

/// <summary>
/// The routing entry point: a problem in, a plan out. Synchronous and without shared state, so one
/// instance may serve concurrent calls (each call builds its own model); from async code call it
/// through <c>Task.Run</c>. It returns within the time limit plus a few milliseconds of plan building.
/// </summary>
public sealed class RoutingSolver
{
    private readonly ITravelMatrixSource _travel;

    public RoutingSolver(ITravelMatrixSource travel)
    {
        _travel = travel;
    }

    /// <summary>A solver on great-circle travel times (no road network).</summary>
    public RoutingSolver()
        : this(new GreatCircleTravelSource())
    {
    }

    public ITravelMatrixSource Travel => _travel;

    /// <summary>
    /// Loads OR-Tools' native library and compiles the search code by solving a tiny problem, so
    /// that the first real solve in a process is not charged for it (a few hundred milliseconds).
    /// Hosts call it once at start-up; the benchmark calls it before timing anything.
    /// </summary>
    public static void WarmUp()
    {
        var tiny = new RoutingProblem(
            ["units"],
            [new Location("d", 0, 0), new Location("a", 1, 0), new Location("b", 0, 1), new Location("p", 1, 1)],
            [new Vehicle("v", "d", "d", new TimeWindow(0, 100), [10])],
            [new Job("a", new Visit("a"), [1]), new Job("b", new Visit("b"), [1])],
            [new Shipment("s", new Visit("p"), new Visit("a"), [1])]);
        new RoutingSolver(new EuclideanTravelSource()).Solve(tiny, new SolveOptions { TimeLimit = TimeSpan.FromSeconds(1), MaxIterations = 200 });
    }

    /// <summary>Checks the problem; throws <see cref="RoutingProblemException"/> listing every error.</summary>
    public static void Validate(RoutingProblem problem) => ProblemChecker.ThrowIfInvalid(problem);

    public RoutingPlan Solve(RoutingProblem problem, SolveOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SolveOptions();
        var clock = Stopwatch.StartNew();
        var limit = Math.Max(0.01, options.TimeLimit.TotalSeconds);
        var cp = CompiledProblem.Compile(problem, _travel, cancellationToken);
        var wallCap = limit * 0.98;

        int[][]? warm = cp.InitialSteps.Any(r => r.Length > 0) ? cp.InitialSteps : null;
        PlanCost? warmCost = null;
        if (warm is not null)
        {
            warmCost = PlanCost.Of(cp, warm);
        }

        int[][]? start = warm;
        var firstName = warm is null ? "none" : "warm start";
        double firstSeconds = 0;
        double? firstCost = warmCost?.Total;
        long iterations = 0, work = 0;
        var stoppedBy = "first solution";
        List<int>[] final;

        if (options.Strategy != SolverStrategy.RuinRecreateOnly && warm is null || options.Strategy == SolverStrategy.OrToolsOnly)
        {
            var stage = new OrToolsStage(cp);
            var strategy = options.FirstSolution switch
            {
                FirstSolutionHeuristic.Savings => FirstSolutionStrategy.Types.Value.Savings,
                FirstSolutionHeuristic.ParallelCheapestInsertion => FirstSolutionStrategy.Types.Value.ParallelCheapestInsertion,
                FirstSolutionHeuristic.LocalCheapestInsertion => FirstSolutionStrategy.Types.Value.LocalCheapestInsertion,
                FirstSolutionHeuristic.PathCheapestArc => FirstSolutionStrategy.Types.Value.PathCheapestArc,
                _ => cp.HasShipments ? FirstSolutionStrategy.Types.Value.ParallelCheapestInsertion : FirstSolutionStrategy.Types.Value.Savings,
            };
            var onlyOrTools = options.Strategy == SolverStrategy.OrToolsOnly;
            var budget = onlyOrTools ? wallCap - clock.Elapsed.TotalSeconds : limit * options.FirstSolutionShare;
            var result = stage.Solve(onlyOrTools ? OrToolsStage.Mode.GuidedLocalSearch : OrToolsStage.Mode.FirstSolution,
                strategy, budget, options.GuidedLocalSearchLambda, warm, cancellationToken);
            firstSeconds = result.Seconds;
            firstName = $"OR-Tools {strategy}{(onlyOrTools ? " + GUIDED_LOCAL_SEARCH" : string.Empty)}: {result.Status}";
            if (result.Routes is not null)
            {
                start = Repair(cp, result.Routes);
                firstCost = PlanCost.Of(cp, start).Total;
            }
        }

        if (options.Strategy == SolverStrategy.OrToolsOnly)
        {
            final = (start ?? cp.InitialSteps).Select(r => r.ToList()).ToArray();
            if (start is null)
            {
                final = Enumerable.Range(0, cp.VehicleCount).Select(_ => new List<int>()).ToArray();
            }
        }
        else
        {
            var workSeconds = options.WorkTime is { } workTime ? Math.Max(0.01, workTime.TotalSeconds) : limit;
            var budget = (long)(options.WorkUnitsPerSecond * workSeconds * (1 - (options.FirstSolutionShare * 0.5)));
            var from = start ?? Enumerable.Range(0, cp.VehicleCount).Select(_ => Array.Empty<int>()).ToArray();
            var threads = Math.Max(1, options.Threads);
            var searches = new RuinRecreate[threads];
            var results = new List<int>[threads][];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
            {
                searches[k] = new RuinRecreate(cp, options.RuinRecreate, options.Seed + k);
                results[k] = searches[k].Run(from, budget, options.MaxIterations, clock, wallCap, cancellationToken);
            });
            var best = 0;
            for (var k = 1; k < threads; k++)
            {
                if (searches[k].BestCost.IsBetterThan(searches[best].BestCost, 1e-9))
                {
                    best = k;
                }
            }
            final = results[best];
            iterations = searches.Sum(x => x.Iterations);
            work = searches.Sum(x => x.WorkUnits);
            stoppedBy = string.Join(", ", searches.Select(x => x.StoppedBy).Distinct());
        }

        if (warm is not null && warmCost is { } wc && wc.IsBetterThan(PlanCost.Of(cp, final)))
        {
            // Never return a plan worse than the one we were given.
            final = warm.Select(r => r.ToList()).ToArray();
            stoppedBy += "; kept the warm start";
        }

        var summary = new SolveSummary(options.Strategy, options.Seed, limit, clock.Elapsed.TotalSeconds, firstSeconds, firstName,
            firstCost, iterations, work, stoppedBy);
        var plan = PlanBuilder.Build(cp, final, summary);
        return plan with { Summary = summary with { WallSeconds = clock.Elapsed.TotalSeconds } };
    }

    /// <summary>
    /// OR-Tools' integer model may accept a route the double-precision schedule rejects (ride time
    /// under waiting, rounding): drop units from such routes until they are feasible.
    /// </summary>
    private static int[][] Repair(CompiledProblem cp, int[][] routes)
    {
        var result = new int[routes.Length][];
        for (var v = 0; v < routes.Length; v++)
        {
            var list = routes[v].ToList();
            while (list.Count > cp.LockedCount[v] && double.IsInfinity(RouteSimulator.Cost(cp, v, list, out _)))
            {
                var s = list[^1];
                var u = cp.StepUnit[s];
                if (cp.UnitLocked[u])
                {
                    break;
                }
                list.RemoveAll(x => cp.StepUnit[x] == u);
            }
            result[v] = list.ToArray();
        }
        return result;
    }
}
