namespace MarketDelivery.Routing.Solving;

/// <summary>
/// The objective as the search ranks it, three levels compared lexicographically:
/// <list type="number">
/// <item><see cref="Service"/>: unassigned penalties plus lateness costs (what the customers feel;
/// the two trade against each other at the prices the problem gives them);</item>
/// <item><see cref="Fleet"/>: the fixed costs of the vehicles used (courier shifts paid);</item>
/// <item><see cref="Travel"/>: distance and travel-time costs.</item>
/// </list>
/// A lower level only breaks ties of the levels above it, whatever the magnitudes: no saving in
/// couriers or distance can buy a minute of lateness, and no saving in distance can buy a courier.
/// Ties on the first two levels are judged with a small relative tolerance (their values are sums
/// of doubles); the last level is compared exactly.
/// </summary>
internal readonly record struct PlanCost(double Service, double Fleet, double Travel)
{
    /// <summary>The scalar sum of the three levels (what <c>ObjectiveBreakdown.Total</c> reports).</summary>
    public double Total => Service + Fleet + Travel;

    public static readonly PlanCost Infinite = new(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);

    /// <summary>-1, 0 or 1 for the levels above travel: equal within a tolerance.</summary>
    public static int CompareLevel(double a, double b)
    {
        if (double.IsPositiveInfinity(a) || double.IsPositiveInfinity(b))
        {
            return a.CompareTo(b);
        }
        var tol = 1e-7 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
        return a < b - tol ? -1 : a > b + tol ? 1 : 0;
    }

    /// <summary>True when this cost is strictly better than <paramref name="other"/> by more than <paramref name="travelMargin"/> on travel.</summary>
    public bool IsBetterThan(PlanCost other, double travelMargin = 0)
    {
        var c = CompareLevel(Service, other.Service);
        if (c != 0)
        {
            return c < 0;
        }
        c = CompareLevel(Fleet, other.Fleet);
        if (c != 0)
        {
            return c < 0;
        }
        return Travel < other.Travel - travelMargin;
    }

    /// <summary>The cost of a whole plan given as one step list per vehicle (+inf travel if a route is infeasible).</summary>
    public static PlanCost Of(CompiledProblem cp, IReadOnlyList<IReadOnlyList<int>> routes)
    {
        double service = 0, fleet = 0, travel = 0;
        var assigned = new bool[cp.UnitCount];
        for (var v = 0; v < routes.Count; v++)
        {
            var steps = routes[v] as List<int> ?? routes[v].ToList();
            if (steps.Count == 0)
            {
                continue;
            }
            travel += RouteSimulator.Evaluate(cp, v, steps, out _, out var late);
            service += late;
            fleet += cp.VehicleFixed[v];
            foreach (var s in steps)
            {
                assigned[cp.StepUnit[s]] = true;
            }
        }
        for (var u = 0; u < cp.UnitCount; u++)
        {
            if (!assigned[u])
            {
                service += cp.UnitPenalty[u];
            }
        }
        return new PlanCost(service, fleet, travel);
    }
}
