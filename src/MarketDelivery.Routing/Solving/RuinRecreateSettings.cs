namespace MarketDelivery.Routing.Solving;

/// <summary>
/// Knobs of the ruin-and-recreate phase (slack induction by string removals, after Christiaens and
/// Vanden Berghe, with simulated annealing acceptance). Temperatures are relative to the mean arc
/// cost of the first solution, so they work for any cost unit.
/// </summary>
public sealed record RuinRecreateSettings
{
    /// <summary>Average number of units removed per ruin.</summary>
    public double AverageRemoved { get; init; } = 10;
    /// <summary>Longest string removed from one route.</summary>
    public int MaxStringLength { get; init; } = 10;
    /// <summary>Probability of the split-string variant.</summary>
    public double SplitRate { get; init; } = 0.5;
    /// <summary>Probability of growing the preserved part of a split string by one more step.</summary>
    public double SplitDepth { get; init; } = 0.5;
    /// <summary>Probability of skipping an insertion position while recreating.</summary>
    public double BlinkRate { get; init; } = 0.01;
    /// <summary>Start temperature as a multiple of the mean arc cost.</summary>
    public double StartTemperature { get; init; } = 3;
    /// <summary>Final temperature as a multiple of the mean arc cost.</summary>
    public double EndTemperature { get; init; } = 0.03;
    /// <summary>
    /// Largest share of the work budget the route-elimination stage may use (it runs only when some
    /// vehicle has a fixed cost, and stops early at the capacity lower bound); 0 turns it off.
    /// </summary>
    public double RouteEliminationShare { get; init; } = 0.5;
}
