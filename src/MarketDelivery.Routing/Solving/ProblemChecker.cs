using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Solving;

/// <summary>Checks a problem for malformed data before any solve; collects every error.</summary>
public static class ProblemChecker
{
    public static IReadOnlyList<string> FindErrors(RoutingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var errors = new List<string>();
        var dims = problem.AmountDimensions?.Count ?? 0;
        var locations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in problem.Locations ?? [])
        {
            if (string.IsNullOrWhiteSpace(l.Id))
            {
                errors.Add("A location has an empty id.");
            }
            else if (!locations.Add(l.Id))
            {
                errors.Add($"Location '{l.Id}' is defined twice.");
            }
            if (!double.IsFinite(l.Longitude) || !double.IsFinite(l.Latitude))
            {
                errors.Add($"Location '{l.Id}' has non-finite coordinates.");
            }
        }

        void CheckAmounts(string what, IReadOnlyList<long>? amounts, string name)
        {
            if (amounts is null || amounts.Count != dims)
            {
                errors.Add($"{what}: {name} has {amounts?.Count ?? 0} entries but the problem has {dims} amount dimensions.");
                return;
            }
            for (var d = 0; d < amounts.Count; d++)
            {
                if (amounts[d] < 0)
                {
                    errors.Add($"{what}: {name} for '{problem.AmountDimensions![d]}' is negative ({amounts[d]}).");
                }
            }
        }

        void CheckWindow(string what, TimeWindow? w)
        {
            if (w is null)
            {
                return;
            }
            if (!double.IsFinite(w.Start) || double.IsNaN(w.End))
            {
                errors.Add($"{what}: window bounds must be numbers.");
            }
            else if (w.End < w.Start)
            {
                errors.Add($"{what}: window end {w.End} is before its start {w.Start}.");
            }
        }

        void CheckLocation(string what, string? id)
        {
            if (id is null || !locations.Contains(id))
            {
                errors.Add($"{what}: unknown location '{id}'.");
            }
        }

        void CheckVisit(string what, Visit? v)
        {
            if (v is null)
            {
                errors.Add($"{what}: missing visit.");
                return;
            }
            CheckLocation(what, v.LocationId);
            CheckWindow(what, v.Window);
            if (!(v.ServiceSeconds >= 0) || !double.IsFinite(v.ServiceSeconds))
            {
                errors.Add($"{what}: service time must be a non-negative number.");
            }
            if (!(v.LatenessCostPerMinute >= 0))
            {
                errors.Add($"{what}: lateness cost must be non-negative.");
            }
            if (!(v.LateFixedCost >= 0) || !double.IsFinite(v.LateFixedCost))
            {
                errors.Add($"{what}: the fixed cost of being late must be a non-negative number.");
            }
            if (!(v.MarginSeconds >= 0) || !double.IsFinite(v.MarginSeconds) || !(v.MarginCostPerMinute >= 0))
            {
                errors.Add($"{what}: margin and its cost must be non-negative.");
            }
            if (v.MaxLatenessSeconds is { } ml && !(ml >= 0))
            {
                errors.Add($"{what}: maximum lateness must be non-negative.");
            }
            if (v.Policy == WindowPolicy.Soft && v.Window is null)
            {
                errors.Add($"{what}: a soft window policy needs a window.");
            }
        }

        void CheckPenalty(string what, int priority, double? penalty)
        {
            if (priority is < 0 or > 100)
            {
                errors.Add($"{what}: priority must be between 0 and 100.");
            }
            if (penalty is { } p && (!(p >= 0) || !double.IsFinite(p)))
            {
                errors.Add($"{what}: unassigned penalty must be a non-negative number.");
            }
        }

        if (problem.Vehicles is null || problem.Vehicles.Count == 0)
        {
            errors.Add("The problem has no vehicles.");
        }
        var vehicleIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in problem.Vehicles ?? [])
        {
            var what = $"Vehicle '{v.Id}'";
            if (string.IsNullOrWhiteSpace(v.Id) || !vehicleIds.Add(v.Id))
            {
                errors.Add($"{what}: the id is empty or used twice.");
            }
            CheckLocation(what, v.StartLocationId);
            if (v.EndLocationId is not null)
            {
                CheckLocation(what, v.EndLocationId);
            }
            if (v.Shift is null)
            {
                errors.Add($"{what}: missing shift.");
            }
            else
            {
                CheckWindow(what + " shift", v.Shift);
            }
            CheckAmounts(what, v.Capacity, "capacity");
            if (v.Costs is { } c && (!(c.Fixed >= 0) || !(c.PerHour >= 0) || !(c.PerKm >= 0)))
            {
                errors.Add($"{what}: costs must be non-negative.");
            }
        }

        var jobIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in problem.Jobs ?? [])
        {
            var what = $"Job '{j.Id}'";
            if (string.IsNullOrWhiteSpace(j.Id) || !jobIds.Add(j.Id))
            {
                errors.Add($"{what}: the id is empty or used twice.");
            }
            CheckVisit(what, j.Delivery);
            CheckAmounts(what, j.Amount, "amount");
            CheckPenalty(what, j.Priority, j.UnassignedPenalty);
        }
        foreach (var s in problem.Shipments ?? [])
        {
            var what = $"Shipment '{s.Id}'";
            if (string.IsNullOrWhiteSpace(s.Id) || !jobIds.Add(s.Id))
            {
                errors.Add($"{what}: the id is empty or used twice (job and shipment ids share one namespace).");
            }
            CheckVisit(what + " pick-up", s.Pickup);
            CheckVisit(what + " delivery", s.Delivery);
            CheckAmounts(what, s.Amount, "amount");
            CheckPenalty(what, s.Priority, s.UnassignedPenalty);
            if (s.MaxRideSeconds is { } r && !(r > 0))
            {
                errors.Add($"{what}: maximum ride time must be positive.");
            }
        }

        var jobs = (problem.Jobs ?? []).Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        var shipments = (problem.Shipments ?? []).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var seenSteps = new HashSet<StepRef>();
        var routedVehicles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in problem.InitialRoutes ?? [])
        {
            var what = $"Initial route of '{r.VehicleId}'";
            if (!vehicleIds.Contains(r.VehicleId))
            {
                errors.Add($"{what}: unknown vehicle.");
            }
            if (!routedVehicles.Add(r.VehicleId))
            {
                errors.Add($"{what}: the vehicle has two initial routes.");
            }
            if (r.LockedCount < 0 || r.LockedCount > r.Steps.Count)
            {
                errors.Add($"{what}: locked count {r.LockedCount} is outside 0..{r.Steps.Count}.");
            }
            var picked = new HashSet<string>(StringComparer.Ordinal);
            var lockedShipments = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < r.Steps.Count; i++)
            {
                var st = r.Steps[i];
                var known = st.Kind == StepKind.Job ? jobs.Contains(st.Id) : shipments.Contains(st.Id);
                if (!known)
                {
                    errors.Add($"{what}: step {i} refers to unknown {(st.Kind == StepKind.Job ? "job" : "shipment")} '{st.Id}'.");
                    continue;
                }
                if (!seenSteps.Add(st))
                {
                    errors.Add($"{what}: step {st.Kind} of '{st.Id}' appears twice in the initial routes.");
                }
                if (st.Kind == StepKind.Pickup)
                {
                    picked.Add(st.Id);
                    if (i < r.LockedCount)
                    {
                        lockedShipments.Add(st.Id);
                    }
                }
                if (st.Kind == StepKind.Delivery && !picked.Contains(st.Id))
                {
                    errors.Add($"{what}: delivery of '{st.Id}' comes before its pick-up.");
                }
            }
            foreach (var id in picked)
            {
                if (!r.Steps.Contains(new StepRef(id, StepKind.Delivery)))
                {
                    errors.Add($"{what}: shipment '{id}' is picked up but never delivered.");
                }
            }
        }
        return errors;
    }

    public static void ThrowIfInvalid(RoutingProblem problem)
    {
        var errors = FindErrors(problem);
        if (errors.Count > 0)
        {
            throw new RoutingProblemException(errors);
        }
    }
}
