namespace MarketDelivery.Routing.Solving;

/// <summary>Why a route (or a single unit on an empty route) is infeasible.</summary>
internal enum RouteFailure
{
    None,
    Capacity,
    Window,
    Shift,
    RideTime,
    Precedence,
}

/// <summary>
/// The solver's own double-precision route schedule: leave the start at the shift start, travel,
/// wait for a window to open, serve; service starts as early as possible.
/// </summary>
internal static class RouteSimulator
{
    /// <summary>Returns the route's cost (fixed + arcs + lateness) or +inf when infeasible.</summary>
    public static double Cost(CompiledProblem cp, int v, List<int> steps, out RouteFailure failure)
    {
        var travel = Evaluate(cp, v, steps, out failure, out var late);
        return steps.Count == 0 ? 0 : cp.VehicleFixed[v] + travel + late;
    }

    /// <summary>
    /// The route's travel cost (arcs only: no fixed cost, no lateness) or +inf when infeasible;
    /// <paramref name="lateCost"/> receives its lateness cost. The search keeps the two apart because
    /// lateness ranks above the fleet and the fleet above travel.
    /// </summary>
    public static double Evaluate(CompiledProblem cp, int v, List<int> steps, out RouteFailure failure, out double lateCost)
    {
        failure = RouteFailure.None;
        lateCost = 0;
        if (steps.Count == 0)
        {
            return 0;
        }
        var D = cp.Dims;
        var T = cp.Matrices[cp.VehicleMatrix[v]];
        var C = cp.CostMatrices[cp.VehicleCostMatrix[v]];
        var L = cp.LocationCount;
        Span<long> load = D <= 16 ? stackalloc long[D] : new long[D];
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            if (cp.StepKinds[s] == Model.StepKind.Job)
            {
                for (var d = 0; d < D; d++)
                {
                    load[d] -= cp.StepDelta[(s * D) + d];
                }
            }
        }
        for (var d = 0; d < D; d++)
        {
            if (load[d] > cp.VehicleCapacity[(v * D) + d])
            {
                failure = RouteFailure.Capacity;
                return double.PositiveInfinity;
            }
        }
        double cost = 0;
        double late = 0;
        var loc = cp.VehicleStartLoc[v];
        var t = cp.VehicleShiftStart[v];
        Span<double> pickupDepart = steps.Count <= 256 ? stackalloc double[steps.Count] : new double[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var sl = cp.StepLoc[s];
            t += T.Duration(loc, sl);
            cost += C[(loc * L) + sl];
            var start = Math.Max(t, cp.StepOpen[s]);
            if (start > cp.StepHardClose[s] + CompiledProblem.Eps)
            {
                failure = RouteFailure.Window;
                return double.PositiveInfinity;
            }
            if (start > cp.StepMarginOpen[s])
            {
                late += cp.LateCost(s, start);
            }
            t = start + cp.StepService[s];
            loc = sl;
            for (var d = 0; d < D; d++)
            {
                load[d] += cp.StepDelta[(s * D) + d];
                if (load[d] > cp.VehicleCapacity[(v * D) + d])
                {
                    failure = RouteFailure.Capacity;
                    return double.PositiveInfinity;
                }
            }
            if (cp.StepKinds[s] != Model.StepKind.Job)
            {
                if (cp.StepKinds[s] == Model.StepKind.Pickup)
                {
                    pickupDepart[i] = t;
                }
                else
                {
                    // The pick-up is usually a few stops back: search backwards.
                    var p = i - 1;
                    while (p >= 0 && steps[p] != s - 1)
                    {
                        p--;
                    }
                    if (p < 0)
                    {
                        failure = RouteFailure.Precedence;
                        return double.PositiveInfinity;
                    }
                    if (start - pickupDepart[p] > cp.UnitMaxRide[cp.StepUnit[s]] + CompiledProblem.Eps)
                    {
                        failure = RouteFailure.RideTime;
                        return double.PositiveInfinity;
                    }
                }
            }
        }
        var end = cp.VehicleEndLoc[v];
        if (end >= 0)
        {
            t += T.Duration(loc, end);
            cost += C[(loc * L) + end];
        }
        if (t > cp.VehicleShiftEnd[v] + CompiledProblem.Eps)
        {
            failure = RouteFailure.Shift;
            return double.PositiveInfinity;
        }
        lateCost = late;
        return cost;
    }
}
