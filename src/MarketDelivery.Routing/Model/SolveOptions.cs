namespace MarketDelivery.Routing.Model;

/// <summary>The OR-Tools first-solution heuristic.</summary>
public enum FirstSolutionHeuristic
{
    /// <summary>SAVINGS for jobs only, PARALLEL_CHEAPEST_INSERTION with shipments.</summary>
    Automatic,
    Savings,
    ParallelCheapestInsertion,
    LocalCheapestInsertion,
    PathCheapestArc,
}

/// <summary>Which search runs.</summary>
public enum SolverStrategy
{
    /// <summary>OR-Tools builds a first plan, then our ruin-and-recreate search improves it (default).</summary>
    OrToolsThenRuinRecreate,
    /// <summary>OR-Tools alone: first solution then guided local search until the time limit.</summary>
    OrToolsOnly,
    /// <summary>Our ruin-and-recreate search alone, from an empty plan (or the warm start).</summary>
    RuinRecreateOnly,
}

/// <summary>
/// How to solve. <see cref="TimeLimit"/> is a hard cap on wall time. The improvement phase is
/// bounded by a work budget derived from the time limit (<see cref="WorkUnitsPerSecond"/>), not by
/// the clock, so the same problem, seed and time limit give the same plan as long as the work
/// finishes before the cap. <see cref="MaxIterations"/> bounds it further.
/// </summary>
public sealed record SolveOptions
{
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(2);
    public int Seed { get; init; } = 1;
    public SolverStrategy Strategy { get; init; } = SolverStrategy.OrToolsThenRuinRecreate;
    public long? MaxIterations { get; init; }

    /// <summary>
    /// Independent improvement searches run in parallel (seeds Seed, Seed+1, ...); the best plan wins.
    /// Each has the full work budget, so the result does not depend on thread scheduling.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Insertion evaluations the improvement phase may make per second of <see cref="TimeLimit"/>.
    /// Calibrated on a 2-core build machine so the budget normally ends just before the time limit.
    /// </summary>
    public double WorkUnitsPerSecond { get; init; } = 110_000_000;

    /// <summary>
    /// The time the work budget is derived from; null means <see cref="TimeLimit"/>. A caller that spends part of its
    /// own limit before this solve (fetching travel times, an earlier phase) passes what is left as
    /// <see cref="TimeLimit"/> and its planned share here, so the plan does not depend on how long that took.
    /// </summary>
    public TimeSpan? WorkTime { get; init; }

    /// <summary>The OR-Tools first-solution heuristic.</summary>
    public FirstSolutionHeuristic FirstSolution { get; init; } = FirstSolutionHeuristic.Automatic;

    /// <summary>Share of the time limit the OR-Tools first-solution phase may use at most.</summary>
    public double FirstSolutionShare { get; init; } = 0.25;

    /// <summary>OR-Tools guided local search lambda (only with <see cref="SolverStrategy.OrToolsOnly"/>).</summary>
    public double GuidedLocalSearchLambda { get; init; } = 0.1;

    /// <summary>Tuning of the ruin-and-recreate phase.</summary>
    public Solving.RuinRecreateSettings RuinRecreate { get; init; } = new();
}
