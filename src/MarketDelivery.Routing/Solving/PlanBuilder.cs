using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;

namespace MarketDelivery.Routing.Solving;

/// <summary>Turns step lists into a <see cref="RoutingPlan"/> with full schedules and reasons.</summary>
internal static class PlanBuilder
{
    public static RoutingPlan Build(CompiledProblem cp, IReadOnlyList<List<int>> routes, SolveSummary? summary)
    {
        var D = cp.Dims;
        var L = cp.LocationCount;
        var locIds = cp.Source.Locations.Select(l => l.Id).ToArray();
        var plans = new List<RoutePlan>();
        var assigned = new bool[cp.UnitCount];
        double fixedCost = 0, distCost = 0, timeCost = 0, lateCost = 0, totalDist = 0, totalTravel = 0;
        for (var v = 0; v < cp.VehicleCount; v++)
        {
            var steps = routes[v];
            if (steps.Count == 0)
            {
                continue;
            }
            var T = cp.Matrices[cp.VehicleMatrix[v]];
            var load = new long[D];
            foreach (var s in steps)
            {
                assigned[cp.StepUnit[s]] = true;
                if (cp.StepKinds[s] == StepKind.Job)
                {
                    for (var d = 0; d < D; d++)
                    {
                        load[d] -= cp.StepDelta[(s * D) + d];
                    }
                }
            }
            var stops = new List<Stop>();
            var t = cp.VehicleShiftStart[v];
            var loc = cp.VehicleStartLoc[v];
            stops.Add(new Stop(StopType.Start, null, locIds[loc], t, t, t, 0, 0, (long[])load.Clone(), 0, 0));
            double dist = 0, travel = 0, waiting = 0, late = 0, lateCostRoute = 0;
            foreach (var s in steps)
            {
                var sl = cp.StepLoc[s];
                var tt = T.Duration(loc, sl);
                var dd = T.Distance(loc, sl);
                var arrival = t + tt;
                var start = Math.Max(arrival, cp.StepOpen[s]);
                var lateness = Math.Max(0, start - cp.StepSoftClose[s]);
                for (var d = 0; d < D; d++)
                {
                    load[d] += cp.StepDelta[(s * D) + d];
                }
                var type = cp.StepKinds[s] switch
                {
                    StepKind.Job => StopType.Job,
                    StepKind.Pickup => StopType.Pickup,
                    _ => StopType.Delivery,
                };
                t = start + cp.StepService[s];
                stops.Add(new Stop(type, cp.UnitId[cp.StepUnit[s]], locIds[sl], arrival, start, t, start - arrival, lateness, (long[])load.Clone(), dd, tt));
                dist += dd;
                travel += tt;
                waiting += start - arrival;
                late += lateness;
                lateCostRoute += cp.LateCost(s, start);
                loc = sl;
            }
            var end = cp.VehicleEndLoc[v];
            if (end >= 0)
            {
                var tt = T.Duration(loc, end);
                var dd = T.Distance(loc, end);
                t += tt;
                dist += dd;
                travel += tt;
                stops.Add(new Stop(StopType.End, null, locIds[end], t, t, t, 0, 0, (long[])load.Clone(), dd, tt));
            }
            var dc = dist * cp.VehiclePerMetre[v];
            var tc = travel * cp.VehiclePerSecond[v];
            var cost = cp.VehicleFixed[v] + dc + tc + lateCostRoute;
            fixedCost += cp.VehicleFixed[v];
            distCost += dc;
            timeCost += tc;
            lateCost += lateCostRoute;
            totalDist += dist;
            totalTravel += travel;
            plans.Add(new RoutePlan(cp.VehicleId[v], stops, dist, t - cp.VehicleShiftStart[v], travel, waiting, late, cost));
        }
        var unassigned = new List<UnassignedJob>();
        double penalty = 0;
        for (var u = 0; u < cp.UnitCount; u++)
        {
            if (!assigned[u])
            {
                penalty += cp.UnitPenalty[u];
                var (reason, message) = Explain(cp, u);
                unassigned.Add(new UnassignedJob(cp.UnitId[u], cp.UnitIsShipment[u], reason, message));
            }
        }
        var objective = new ObjectiveBreakdown(fixedCost + distCost + timeCost + lateCost + penalty, fixedCost, distCost, timeCost,
            lateCost, penalty, totalDist, totalTravel, plans.Count);
        return new RoutingPlan(plans, unassigned, objective, summary);
    }

    /// <summary>Why a unit is unserved: try it alone on an empty route of every eligible vehicle.</summary>
    public static (UnassignedReason, string) Explain(CompiledProblem cp, int u)
    {
        var V = cp.VehicleCount;
        var D = cp.Dims;
        var eligible = Enumerable.Range(0, V).Where(v => cp.UnitAllowed[(u * V) + v]).ToList();
        if (eligible.Count == 0)
        {
            return (UnassignedReason.MissingSkills, "No vehicle has every skill this job needs.");
        }
        var fits = eligible.Where(v => Enumerable.Range(0, D).All(d => cp.UnitAmount[(u * D) + d] <= cp.VehicleCapacity[(v * D) + d])).ToList();
        if (fits.Count == 0)
        {
            return (UnassignedReason.NoVehicleWithCapacity, "The job's amount exceeds the capacity of every eligible vehicle.");
        }
        var steps = new List<int> { cp.UnitFirstStep[u] };
        if (cp.UnitIsShipment[u])
        {
            steps.Add(cp.UnitFirstStep[u] + 1);
        }
        var failures = new List<RouteFailure>();
        foreach (var v in fits)
        {
            RouteSimulator.Cost(cp, v, steps, out var f);
            if (f == RouteFailure.None)
            {
                return (UnassignedReason.FleetFull, "The job fits on an empty vehicle but not beside the other jobs with the vehicles given.");
            }
            failures.Add(f);
        }
        if (failures.Contains(RouteFailure.Shift))
        {
            return (UnassignedReason.ShiftTooShort, "The job can be reached in its window but no shift is long enough to serve it and finish.");
        }
        if (failures.Contains(RouteFailure.RideTime))
        {
            return (UnassignedReason.RideTimeTooLong, "Even a direct ride from pick-up to delivery exceeds the maximum ride time.");
        }
        return (UnassignedReason.WindowUnreachable, "No vehicle can reach the job before its window closes.");
    }
}
