using System.Diagnostics;
using System.Globalization;
using MarketDelivery.Routing;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Travel;
using MarketDelivery.Routing.Validation;

namespace MarketDelivery.Dispatch;

/// <summary>
/// A planning run in full: the dispatch plan, and the routing problem and plan behind it (for validation,
/// diagnostics and the simulator).
/// </summary>
/// <param name="Epoch">Time zero of the routing problem: all its times are seconds from here.</param>
/// <param name="BaselineCost">
/// On a re-plan: the objective of the previous routes re-evaluated now, with new or orphaned orders inserted where
/// they cost least (no other stop moved). Null without a previous plan.
/// </param>
/// <param name="KeptPreviousRoutes">True when the improvement search did not save enough to re-route (the baseline was used).</param>
public sealed record DispatchSolution(
    DispatchPlan Plan,
    RoutingProblem Problem,
    RoutingPlan Routing,
    DateTimeOffset Epoch,
    double? BaselineCost,
    bool KeptPreviousRoutes);

/// <summary>
/// Turns a dispatch snapshot into a routing problem, solves it and maps the result back to courier routes with
/// ETAs. Pure and thread-safe per call: the dispatcher grain runs it off its turn, the simulator calls it directly.
/// </summary>
public sealed class DispatchPlanner(ITravelMatrixSource? travel = null)
{
    public ITravelMatrixSource Travel { get; } = travel ?? new GreatCircleTravelSource();

    /// <summary>The least time a search is given, however late it starts.</summary>
    private static readonly TimeSpan MinimumSearch = TimeSpan.FromMilliseconds(10);

    /// <summary>Plans a snapshot within <see cref="DispatchSettings.SolveTimeLimit"/> (plus model building and validation).</summary>
    public DispatchPlan Plan(DispatchSnapshot snapshot, DispatchSettings settings, CancellationToken cancellationToken = default) =>
        Solve(snapshot, settings, settings.SolveTimeLimit, insertOnly: false, cancellationToken).Plan;

    /// <summary>
    /// The fast path for a live plan: orders not in <see cref="DispatchSnapshot.Previous"/> (new ones, and those of couriers
    /// who left) are inserted where they cost least; no other stop moves. Without a previous plan it is a full plan within
    /// <see cref="DispatchSettings.IncrementalTimeLimit"/>. Run <see cref="Plan"/> now and then to improve the routes as a whole.
    /// </summary>
    public DispatchPlan PlanIncremental(DispatchSnapshot snapshot, DispatchSettings settings, CancellationToken cancellationToken = default) =>
        Solve(snapshot, settings, settings.IncrementalTimeLimit, insertOnly: true, cancellationToken).Plan;

    /// <summary>
    /// Plans a snapshot and returns the routing problem and plan too. <paramref name="timeLimit"/> defaults to
    /// <see cref="DispatchSettings.SolveTimeLimit"/>; <paramref name="insertOnly"/> is the <see cref="PlanIncremental"/> path.
    /// </summary>
    public DispatchSolution Solve(DispatchSnapshot snapshot, DispatchSettings settings, TimeSpan? timeLimit = null, bool insertOnly = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(settings);
        cancellationToken.ThrowIfCancellationRequested();
        using var telemetry = DispatchTelemetry.StartSolve(insertOnly);
        var clock = Stopwatch.StartNew();
        var travel = new CachingTravelSource(Travel);
        var built = ProblemBuilder.Build(snapshot, settings);

        if (built.Problem.Vehicles.Count == 0)
        {
            // The routing library needs a vehicle; with none there is nothing to solve.
            var none = built.Orders.Values.Select(o => new UnassignedOrder(o.OrderId,
                o.State == DispatchOrderState.OnBoard ? CarriedByAbsentCourier(o) : "No courier is on shift",
                "The snapshot has no courier.")).ToList();
            var empty = new RoutingPlan([], [], new ObjectiveBreakdown(0, 0, 0, 0, 0, 0, 0, 0, 0));
            var emptyPlan = new DispatchPlan(snapshot.Now, [], [.. built.Rejected, .. none], clock.Elapsed, []);
            return new DispatchSolution(emptyPlan, built.Problem, empty, built.Epoch, null, false);
        }

        var checker = new RouteChecker(built.Problem, travel, cancellationToken);
        var problem = WarmStart.Apply(built, snapshot, checker);
        var solver = new RoutingSolver(travel);
        var options = new SolveOptions
        {
            TimeLimit = timeLimit ?? settings.SolveTimeLimit,
            Seed = settings.Seed,
            Threads = Math.Max(1, settings.Threads),
        };
        if (settings.WorkUnitsPerSecond is > 0 and var rate)
        {
            options = options with { WorkUnitsPerSecond = rate };
        }

        // The time limit covers the whole call: what model building and the baseline used is taken off the search's
        // clock, and a little is kept back for validation and mapping. The search's work is set by the limit less that
        // reserve, not by what the clock has left, so a slow travel source or a busy machine does not change the plan
        // unless the clock runs out first.
        var total = options.TimeLimit;
        var reserve = TimeSpan.FromMilliseconds(Math.Min(80, total.TotalMilliseconds * 0.04));
        var work = total - reserve;
        TimeSpan Remaining()
        {
            var left = total - clock.Elapsed - reserve;
            return left > MinimumSearch ? left : MinimumSearch;
        }

        RoutingPlan result;
        double? baselineCost = null;
        var kept = false;
        if (problem.InitialRoutes is { Count: > 0 })
        {
            // Baseline: the previous routes as they are now, with what is new inserted at its cheapest place.
            var baseline = solver.Solve(problem, options with { MaxIterations = 0 }, cancellationToken);
            baselineCost = baseline.Objective.Total;
            kept = true;
            result = baseline;
            if (!insertOnly)
            {
                var improved = Improve(solver, problem, options, settings, Remaining(), work, travel, cancellationToken);
                if (IsWorthRerouting(improved.Objective, baseline.Objective, settings.RerouteMinSaving))
                {
                    kept = false;
                    result = improved;
                }
            }
        }
        else
        {
            result = Improve(solver, problem, options, settings, Remaining(), work, travel, cancellationToken);
        }

        var violations = new PlanValidator(travel).Validate(problem, result).Violations;
        var routes = MapRoutes(built, problem, result);
        var unassigned = built.Rejected.Concat(result.Unassigned.Select(u => Explain(u, built, settings))).ToList();
        var plan = new DispatchPlan(snapshot.Now, routes, unassigned, clock.Elapsed, violations);
        return new DispatchSolution(plan, problem, result, built.Epoch, baselineCost, kept);
    }

    /// <summary>
    /// Whether the improved plan replaces the previous routes, ranked as the routing library ranks plans: service
    /// (unassigned penalties and lateness) first, so any plan that is less late wins and no plan that is later does,
    /// whatever it saves; then couriers and distance, which must save more than <paramref name="minSaving"/>.
    /// </summary>
    internal static bool IsWorthRerouting(ObjectiveBreakdown improved, ObjectiveBreakdown previous, double minSaving)
    {
        var service = improved.UnassignedPenalty + improved.LatenessCost;
        var previousService = previous.UnassignedPenalty + previous.LatenessCost;
        // Relative tolerance: the two sums are added up in different orders.
        var tolerance = 1e-9 * Math.Max(1, Math.Max(Math.Abs(service), Math.Abs(previousService)));
        if (Math.Abs(service - previousService) > tolerance)
        {
            return service < previousService;
        }
        var rest = improved.Total - service;
        var previousRest = previous.Total - previousService;
        return rest < previousRest - Math.Max(0, minSaving);
    }

    /// <summary>
    /// The search: ruin-and-recreate on the hard-window problem (the library's fast path), then the real soft-window
    /// problem warm-started from it, which places late what did not fit and is never worse than that start.
    /// <paramref name="limit"/> caps the wall time; <paramref name="work"/> sets the search's work, split between the
    /// phases in fixed shares so that the plan does not depend on how long the first phase took.
    /// </summary>
    private static RoutingPlan Improve(RoutingSolver solver, RoutingProblem problem, SolveOptions options, DispatchSettings settings, TimeSpan limit,
        TimeSpan work, ITravelMatrixSource travel, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        options = options with { TimeLimit = limit, WorkTime = work };
        var share = Math.Clamp(settings.HardWindowShare, 0.05, 0.95);
        var secondWork = work * (1 - share);
        TimeSpan Rest()
        {
            var left = limit - started.Elapsed;
            return left > MinimumSearch ? left : MinimumSearch;
        }
        var hasSoft = problem.Jobs.Any(j => j.Delivery.Policy == WindowPolicy.Soft)
            || problem.Shipments.Any(s => s.Delivery.Policy == WindowPolicy.Soft || s.Pickup.Policy == WindowPolicy.Soft);
        // OR-Tools only ever builds the first routes of a cold plan; a warm start is its own first solution.
        var firstStrategy = settings.ColdStart == DispatchColdStart.OrTools
            ? SolverStrategy.OrToolsThenRuinRecreate
            : SolverStrategy.RuinRecreateOnly;
        if (!hasSoft || !settings.HardWindowPass)
        {
            return solver.Solve(problem, options with { Strategy = firstStrategy }, ct);
        }
        var hard = HardWindows.Of(problem, travel, ct);
        // Shares of the whole search: the first hard-window pass, and the part of the hard pass held back after it.
        var held = Math.Clamp(settings.BookedEndPassShare, 0, 0.95);
        var firstShare = share * (1 - held);
        var heldShare = share * held;
        var first = solver.Solve(hard, options with { TimeLimit = Rest() * firstShare, WorkTime = work * firstShare, Strategy = firstStrategy }, ct);

        var lockedOf = (problem.InitialRoutes ?? []).ToDictionary(r => r.VehicleId, StringComparer.Ordinal);
        if (held > 0 && WarmFrom(first, lockedOf) is { } fromFirst)
        {
            // The held-back work goes on searching the same problem when every order fitted before its margin; when not,
            // the fleet is short at that hour, and it searches to the booked window ends, placing on time what any plan can.
            var next = first.Unassigned.Count > 0 ? HardWindows.Of(problem, travel, ct, keepMargin: false) : hard;
            first = solver.Solve(next with { InitialRoutes = fromFirst.Count > 0 ? fromFirst : null }, options with
            {
                // Rest() is what the first pass left, 1 - firstShare of the whole.
                TimeLimit = Rest() * (heldShare / (1 - firstShare)), WorkTime = work * heldShare, Strategy = SolverStrategy.RuinRecreateOnly,
            }, ct);
        }

        var warm = WarmFrom(first, lockedOf);
        if (warm is null)
        {
            // The locks did not survive a hard-window pass (should not happen): search from the input.
            return solver.Solve(problem, options with { TimeLimit = Rest(), WorkTime = secondWork }, ct);
        }

        var second = problem with { InitialRoutes = warm.Count > 0 ? warm : null };
        return solver.Solve(second, options with { TimeLimit = Rest(), WorkTime = secondWork }, ct);
    }

    /// <summary>
    /// A pass's routes as the next pass's warm start, each keeping the locked stops of the problem's initial route;
    /// null when a route lost its locks or a locked route is missing.
    /// </summary>
    private static List<InitialRoute>? WarmFrom(RoutingPlan plan, Dictionary<string, InitialRoute> lockedOf)
    {
        var warm = new List<InitialRoute>();
        foreach (var r in plan.Routes)
        {
            var steps = r.Stops.Where(s => s.JobId is not null && s.Type is StopType.Job or StopType.Pickup or StopType.Delivery)
                .Select(s => new StepRef(s.JobId!, s.Type switch
                {
                    StopType.Job => StepKind.Job,
                    StopType.Pickup => StepKind.Pickup,
                    _ => StepKind.Delivery,
                })).ToList();
            var locked = 0;
            if (lockedOf.TryGetValue(r.VehicleId, out var was) && was.LockedCount > 0)
            {
                if (!steps.Take(was.LockedCount).SequenceEqual(was.Steps.Take(was.LockedCount)))
                {
                    return null;
                }
                locked = was.LockedCount;
            }
            warm.Add(new InitialRoute(r.VehicleId, steps, locked));
        }
        foreach (var r in lockedOf.Values)
        {
            if (r.LockedCount > 0 && !warm.Any(w => w.VehicleId == r.VehicleId))
            {
                return null;
            }
        }
        return warm;
    }

    private static List<CourierRoute> MapRoutes(BuiltProblem built, RoutingProblem problem, RoutingPlan result)
    {
        var byVehicle = result.Routes.ToDictionary(r => r.VehicleId, StringComparer.Ordinal);
        var routes = new List<CourierRoute>();
        foreach (var vehicle in problem.Vehicles)
        {
            if (!byVehicle.TryGetValue(vehicle.Id, out var rp))
            {
                routes.Add(new CourierRoute(vehicle.Id, [], 0, built.ToTime(vehicle.Shift.Start)));
                continue;
            }
            var stops = new List<PlannedStop>();
            foreach (var s in rp.Stops)
            {
                if (s.JobId is null || s.Type is StopType.Start or StopType.End)
                {
                    continue;
                }
                var kind = s.Type == StopType.Pickup ? PlannedStopKind.Pickup : PlannedStopKind.Delivery;
                stops.Add(new PlannedStop(kind, s.JobId, built.Points[s.LocationId], built.ToTime(s.Arrival), built.ToTime(s.ServiceStart),
                    built.ToTime(s.Departure), TimeSpan.FromSeconds(s.LatenessSeconds)));
            }
            var last = rp.Stops[^1];
            var finish = last.Type == StopType.End ? last.Arrival : last.Departure;
            routes.Add(new CourierRoute(vehicle.Id, stops, rp.Distance, built.ToTime(finish)));
        }
        return routes;
    }

    private static string CarriedByAbsentCourier(DispatchOrder o) =>
        $"On board with courier {o.CourierId ?? "(none recorded)"}, who is not in this plan: call the courier";

    private static UnassignedOrder Explain(UnassignedJob u, BuiltProblem built, DispatchSettings settings)
    {
        var o = built.Orders[u.JobId];
        string Clock(DateTimeOffset t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);
        var reason = u.Reason switch
        {
            UnassignedReason.MissingSkills when o.State == DispatchOrderState.OnBoard => CarriedByAbsentCourier(o),
            UnassignedReason.MissingSkills => "No courier on shift can take this order",
            UnassignedReason.NoVehicleWithCapacity => string.Create(CultureInfo.InvariantCulture,
                $"Too large for every courier ({o.WeightGrams / 1000.0:0.#} kg, {o.Bags} bags): split it or send a bigger vehicle"),
            UnassignedReason.WindowUnreachable =>
                $"No courier can reach the customer by {Clock(o.WindowEnd + settings.MaxLateness)} (window end plus the allowed lateness)",
            UnassignedReason.ShiftTooShort => "No courier's shift lasts long enough to deliver it",
            UnassignedReason.RideTimeTooLong => string.Create(CultureInfo.InvariantCulture,
                $"Even a direct ride from the market takes longer than its limit of {o.MaxRide?.TotalMinutes:0} min"),
            UnassignedReason.FleetFull => "Every courier is fully booked for this window: add a courier or move the order to a later slot",
            _ => "The planner could not place it",
        };
        return new UnassignedOrder(o.OrderId, reason, u.Message);
    }
}
