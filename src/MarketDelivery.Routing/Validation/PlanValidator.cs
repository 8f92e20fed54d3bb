using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Routing.Validation;

/// <summary>
/// The outcome of validating a plan: every violation found, and the recomputed totals: distance,
/// jobs served, vehicles used (routes with at least one visit), lateness in seconds and its cost, and
/// the fixed costs of the vehicles used.
/// </summary>
public sealed record ValidationReport(IReadOnlyList<string> Violations, double RecomputedDistance, int ServedJobs,
    int VehiclesUsed = 0, double RecomputedLatenessSeconds = 0, double RecomputedLatenessCost = 0, double RecomputedFixedCost = 0)
{
    public bool IsFeasible => Violations.Count == 0;
    public override string ToString() => IsFeasible ? "feasible" : string.Join(Environment.NewLine, Violations);
}

/// <summary>
/// Checks a plan against its problem without any of the solver's code: it recomputes every route
/// from the problem's data and the travel source in double precision (travel, wait for the window
/// to open, serve) and reports each violated window, capacity, pick-up/delivery order, ride time,
/// shift, locked step and job served more than once or neither served nor reported unassigned,
/// and each reported time, load or distance that differs from the recomputation, and an objective
/// whose vehicles used, fixed cost or lateness cost differ from the recomputed ones.
/// </summary>
public sealed class PlanValidator(ITravelMatrixSource travel, double tolerance = 1e-6)
{
    public ValidationReport Validate(RoutingProblem problem, RoutingPlan plan)
    {
        var errors = new List<string>();
        var dims = problem.AmountDimensions.Count;
        var locIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < problem.Locations.Count; i++)
        {
            locIndex[problem.Locations[i].Id] = i;
        }
        var matrices = new Dictionary<TravelMode, TravelMatrix>();
        var vehicles = problem.Vehicles.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var jobs = (problem.Jobs ?? []).ToDictionary(j => j.Id, StringComparer.Ordinal);
        var shipments = (problem.Shipments ?? []).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var served = new Dictionary<string, int>(StringComparer.Ordinal);
        var usedVehicles = new HashSet<string>(StringComparer.Ordinal);
        double totalDistance = 0;
        double totalLateness = 0, totalLatenessCost = 0, totalFixed = 0;
        var vehiclesUsed = 0;
        bool Close(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(b));

        foreach (var route in plan.Routes)
        {
            var where = $"route of '{route.VehicleId}'";
            if (!vehicles.TryGetValue(route.VehicleId, out var vehicle))
            {
                errors.Add($"{where}: unknown vehicle.");
                continue;
            }
            if (!usedVehicles.Add(route.VehicleId))
            {
                errors.Add($"{where}: the vehicle has two routes.");
            }
            if (!matrices.TryGetValue(vehicle.Mode, out var m))
            {
                m = travel.GetMatrix(problem.Locations, vehicle.Mode, CancellationToken.None);
                matrices[vehicle.Mode] = m;
            }
            var stops = route.Stops;
            if (stops.Any(st => st.Type is StopType.Job or StopType.Pickup or StopType.Delivery))
            {
                vehiclesUsed++;
                totalFixed += (vehicle.Costs ?? VehicleCosts.DistanceOnly).Fixed;
            }
            if (stops.Count < 1 || stops[0].Type != StopType.Start || stops[0].LocationId != vehicle.StartLocationId)
            {
                errors.Add($"{where}: does not begin with a start stop at '{vehicle.StartLocationId}'.");
                continue;
            }
            var hasEnd = vehicle.EndLocationId is not null;
            if (hasEnd && (stops[^1].Type != StopType.End || stops[^1].LocationId != vehicle.EndLocationId))
            {
                errors.Add($"{where}: does not finish with an end stop at '{vehicle.EndLocationId}'.");
            }

            // Load on board at the start: every plain job's amount.
            var load = new long[dims];
            foreach (var st in stops)
            {
                if (st.Type == StopType.Job && st.JobId is not null && jobs.TryGetValue(st.JobId, out var j))
                {
                    for (var d = 0; d < dims; d++)
                    {
                        load[d] += j.Amount[d];
                    }
                }
            }
            CheckLoad(where + " at start", load, vehicle, errors);

            var t = vehicle.Shift.Start;
            var loc = locIndex[vehicle.StartLocationId];
            double distance = 0;
            var pickedAt = new Dictionary<string, double>(StringComparer.Ordinal);
            var delivered = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 1; i < stops.Count; i++)
            {
                var st = stops[i];
                if (!locIndex.TryGetValue(st.LocationId, out var sl))
                {
                    errors.Add($"{where}: stop {i} is at unknown location '{st.LocationId}'.");
                    break;
                }
                var arrival = t + m.Duration(loc, sl);
                distance += m.Distance(loc, sl);
                loc = sl;
                if (st.Type == StopType.End)
                {
                    if (i != stops.Count - 1)
                    {
                        errors.Add($"{where}: an end stop is not last.");
                    }
                    if (!Close(st.Arrival, arrival))
                    {
                        errors.Add($"{where}: end arrival reported {st.Arrival:F4}, recomputed {arrival:F4}.");
                    }
                    t = arrival;
                    continue;
                }
                if (st.Type == StopType.Start)
                {
                    errors.Add($"{where}: a second start stop.");
                    continue;
                }
                Visit? visit = null;
                string id = st.JobId ?? "?";
                IReadOnlyList<long>? amount = null;
                if (st.Type == StopType.Job && jobs.TryGetValue(id, out var job))
                {
                    visit = job.Delivery;
                    amount = job.Amount;
                }
                else if (st.Type != StopType.Job && shipments.TryGetValue(id, out var sh))
                {
                    visit = st.Type == StopType.Pickup ? sh.Pickup : sh.Delivery;
                    amount = sh.Amount;
                }
                if (visit is null || amount is null)
                {
                    errors.Add($"{where}: stop {i} refers to unknown {st.Type} '{id}'.");
                    continue;
                }
                var key = st.Type + ":" + id;
                served[key] = served.GetValueOrDefault(key) + 1;
                if (visit.LocationId != st.LocationId)
                {
                    errors.Add($"{where}: {st.Type} '{id}' is reported at '{st.LocationId}' but belongs at '{visit.LocationId}'.");
                }
                var window = visit.Window;
                var serviceStart = window is null ? arrival : Math.Max(arrival, window.Start);
                if (window is not null)
                {
                    var hardEnd = visit.Policy == WindowPolicy.Hard ? window.End
                        : visit.MaxLatenessSeconds is { } ml ? window.End + ml : double.MaxValue;
                    if (serviceStart > hardEnd + tolerance)
                    {
                        errors.Add($"{where}: {st.Type} '{id}' starts at {serviceStart:F4}, after its window ends at {hardEnd:F4}.");
                    }
                    var lateness = Math.Max(0, serviceStart - window.End);
                    totalLateness += lateness;
                    if (visit.Policy == WindowPolicy.Soft)
                    {
                        totalLatenessCost += lateness * visit.LatenessCostPerMinute / 60.0;
                        // Late past the search's own rounding threshold, so both price the same visits.
                        if (lateness > Solving.CompiledProblem.Eps)
                        {
                            totalLatenessCost += visit.LateFixedCost;
                        }
                        // Minutes inside the margin (the window's last MarginSeconds, at most the whole window).
                        var marginStart = window.End - Math.Min(visit.MarginSeconds, Math.Max(0, window.End - window.Start));
                        totalLatenessCost += Math.Max(0, Math.Min(serviceStart, window.End) - marginStart) * visit.MarginCostPerMinute / 60.0;
                    }
                    if (!Close(st.LatenessSeconds, lateness))
                    {
                        errors.Add($"{where}: {st.Type} '{id}' lateness reported {st.LatenessSeconds:F4}, recomputed {lateness:F4}.");
                    }
                }
                if (!Close(st.Arrival, arrival) || !Close(st.ServiceStart, serviceStart) || !Close(st.Departure, serviceStart + visit.ServiceSeconds))
                {
                    errors.Add($"{where}: {st.Type} '{id}' times reported {st.Arrival:F4}/{st.ServiceStart:F4}/{st.Departure:F4}, recomputed {arrival:F4}/{serviceStart:F4}/{serviceStart + visit.ServiceSeconds:F4}.");
                }
                t = serviceStart + visit.ServiceSeconds;
                var sign = st.Type == StopType.Pickup ? 1 : -1;
                for (var d = 0; d < dims; d++)
                {
                    load[d] += sign * amount[d];
                }
                CheckLoad($"{where} after {st.Type} '{id}'", load, vehicle, errors);
                if (!st.Load.SequenceEqual(load))
                {
                    errors.Add($"{where}: load after {st.Type} '{id}' reported [{string.Join(",", st.Load)}], recomputed [{string.Join(",", load)}].");
                }
                if (st.Type == StopType.Pickup)
                {
                    pickedAt[id] = t;
                }
                else if (st.Type == StopType.Delivery)
                {
                    delivered.Add(id);
                    if (!pickedAt.TryGetValue(id, out var pickedDeparture))
                    {
                        errors.Add($"{where}: shipment '{id}' is delivered without an earlier pick-up on this vehicle.");
                    }
                    else if (shipments[id].MaxRideSeconds is { } maxRide && serviceStart - pickedDeparture > maxRide + tolerance)
                    {
                        errors.Add($"{where}: shipment '{id}' rides {serviceStart - pickedDeparture:F4} s, more than its maximum {maxRide:F4} s.");
                    }
                }
            }
            foreach (var id in pickedAt.Keys.Where(k => !delivered.Contains(k)))
            {
                errors.Add($"{where}: shipment '{id}' is picked up but not delivered.");
            }
            if (t > vehicle.Shift.End + tolerance)
            {
                errors.Add($"{where}: finishes at {t:F4}, after the shift ends at {vehicle.Shift.End:F4}.");
            }
            if (!Close(route.Distance, distance))
            {
                errors.Add($"{where}: distance reported {route.Distance:F4}, recomputed {distance:F4}.");
            }
            totalDistance += distance;

            var initial = problem.InitialRoutes?.FirstOrDefault(r => r.VehicleId == route.VehicleId);
            if (initial is not null)
            {
                var visits = stops.Where(s => s.Type is StopType.Job or StopType.Pickup or StopType.Delivery).ToList();
                for (var i = 0; i < initial.LockedCount; i++)
                {
                    var want = initial.Steps[i];
                    var kind = want.Kind switch { StepKind.Job => StopType.Job, StepKind.Pickup => StopType.Pickup, _ => StopType.Delivery };
                    if (i >= visits.Count || visits[i].JobId != want.Id || visits[i].Type != kind)
                    {
                        errors.Add($"{where}: locked step {i} ({want.Kind} '{want.Id}') is not in place.");
                    }
                }
            }
        }
        foreach (var r in problem.InitialRoutes ?? [])
        {
            if (r.LockedCount > 0 && !usedVehicles.Contains(r.VehicleId))
            {
                errors.Add($"The vehicle '{r.VehicleId}' with locked steps has no route.");
            }
        }

        // Each job served at most once, and either served or reported unassigned.
        var unassigned = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var u in plan.Unassigned)
        {
            unassigned[u.JobId] = unassigned.GetValueOrDefault(u.JobId) + 1;
        }
        var servedJobs = 0;
        void CheckServed(string id, IEnumerable<string> keys)
        {
            var counts = keys.Select(k => served.GetValueOrDefault(k)).ToList();
            if (counts.Any(c => c > 1))
            {
                errors.Add($"'{id}' is served more than once.");
            }
            var isServed = counts.All(c => c >= 1);
            if (!isServed && counts.Any(c => c >= 1))
            {
                errors.Add($"Shipment '{id}' is only half served.");
            }
            var un = unassigned.GetValueOrDefault(id);
            if (isServed && un > 0)
            {
                errors.Add($"'{id}' is both served and reported unassigned.");
            }
            if (!isServed && un != 1)
            {
                errors.Add($"'{id}' is neither served nor reported unassigned once.");
            }
            servedJobs += isServed ? 1 : 0;
        }
        foreach (var j in problem.Jobs ?? [])
        {
            CheckServed(j.Id, ["Job:" + j.Id]);
        }
        foreach (var s in problem.Shipments ?? [])
        {
            CheckServed(s.Id, ["Pickup:" + s.Id, "Delivery:" + s.Id]);
        }
        foreach (var id in unassigned.Keys.Where(k => !jobs.ContainsKey(k) && !shipments.ContainsKey(k)))
        {
            errors.Add($"Unassigned '{id}' is not a job of the problem.");
        }
        if (plan.Objective.VehiclesUsed != vehiclesUsed)
        {
            errors.Add($"The objective reports {plan.Objective.VehiclesUsed} vehicles used; the routes use {vehiclesUsed}.");
        }
        if (!Close(plan.Objective.FixedCost, totalFixed))
        {
            errors.Add($"The objective reports a fixed cost of {plan.Objective.FixedCost:F4}; the vehicles used cost {totalFixed:F4}.");
        }
        if (!Close(plan.Objective.LatenessCost, totalLatenessCost))
        {
            errors.Add($"The objective reports a lateness cost of {plan.Objective.LatenessCost:F4}, recomputed {totalLatenessCost:F4}.");
        }
        return new ValidationReport(errors, totalDistance, servedJobs, vehiclesUsed, totalLateness, totalLatenessCost, totalFixed);
    }

    private static void CheckLoad(string where, long[] load, Vehicle vehicle, List<string> errors)
    {
        for (var d = 0; d < load.Length; d++)
        {
            if (load[d] > vehicle.Capacity[d])
            {
                errors.Add($"{where}: load {load[d]} exceeds capacity {vehicle.Capacity[d]} in dimension {d}.");
            }
            if (load[d] < 0)
            {
                errors.Add($"{where}: negative load {load[d]} in dimension {d}.");
            }
        }
    }
}
