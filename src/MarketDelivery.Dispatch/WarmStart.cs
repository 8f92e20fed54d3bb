using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Dispatch;

/// <summary>
/// Prepares the couriers' starting routes: what each courier carries first (locked, in the previous plan's order),
/// then the previous plan's remaining stops that are still relevant. Every route handed to the solver is checked
/// feasible at the new time; stops that no longer fit are dropped (the solver re-inserts them).
/// </summary>
internal static class WarmStart
{
    public static RoutingProblem Apply(BuiltProblem built, DispatchSnapshot snapshot, RouteChecker checker)
    {
        var problem = built.Problem;
        var previous = snapshot.Previous;
        var vehicles = problem.Vehicles.ToList();
        var initial = new List<InitialRoute>();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var snapshotIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < snapshot.Orders.Count; i++)
        {
            snapshotIndex.TryAdd(snapshot.Orders[i].OrderId, i);
        }

        for (var v = 0; v < vehicles.Count; v++)
        {
            var vehicle = vehicles[v];
            var courier = built.Couriers[vehicle.Id];
            var previousRoute = previous?.Routes.FirstOrDefault(r => r.CourierId == vehicle.Id);
            var previousStops = previousRoute?.Stops ?? [];

            // On board: the previous plan's delivery order first, then the courier's own list, then the snapshot's order.
            var onBoard = built.Orders.Values
                .Where(o => o.State == DispatchOrderState.OnBoard && o.CourierId == vehicle.Id)
                .OrderBy(o => IndexOr(previousStops, s => s.Kind == PlannedStopKind.Delivery && s.OrderId == o.OrderId))
                .ThenBy(o => IndexOr(courier.OnBoardOrderIds, id => id == o.OrderId))
                .ThenBy(o => snapshotIndex[o.OrderId])
                .Select(o => new StepRef(o.OrderId, StepKind.Job))
                .ToList();

            // Goods on board are delivered even if that runs past the shift end: stretch the solver's shift to cover it.
            if (onBoard.Count > 0 && checker.Check(vehicle, onBoard, out var drained) == onBoard.Count)
            {
                vehicle = vehicle with { Shift = new TimeWindow(vehicle.Shift.Start, Math.Ceiling(drained) + 1) };
                vehicles[v] = vehicle;
            }
            if (previous is null)
            {
                continue;
            }

            var steps = new List<StepRef>(onBoard);
            var picked = new HashSet<string>(StringComparer.Ordinal);
            foreach (var stop in previousStops)
            {
                if (!built.Orders.TryGetValue(stop.OrderId, out var order) || order.State == DispatchOrderState.OnBoard)
                {
                    continue;
                }
                if (stop.Kind == PlannedStopKind.Pickup && !claimed.Contains(stop.OrderId) && picked.Add(stop.OrderId))
                {
                    steps.Add(new StepRef(stop.OrderId, StepKind.Pickup));
                }
                else if (stop.Kind == PlannedStopKind.Delivery && picked.Contains(stop.OrderId) && claimed.Add(stop.OrderId))
                {
                    steps.Add(new StepRef(stop.OrderId, StepKind.Delivery));
                }
            }
            // A pick-up whose delivery the previous route did not hold is dropped.
            steps.RemoveAll(s => s.Kind == StepKind.Pickup && !claimed.Contains(s.Id));

            var locked = onBoard.Count;
            Repair(checker, vehicle, steps, ref locked);
            if (steps.Count > 0)
            {
                initial.Add(new InitialRoute(vehicle.Id, steps, locked));
            }
        }

        return problem with { Vehicles = vehicles, InitialRoutes = initial.Count > 0 ? initial : null };
    }

    /// <summary>Drops the units that make the route infeasible: the failing one, or the last unlocked one at the shift end.</summary>
    internal static void Repair(RouteChecker checker, Vehicle vehicle, List<StepRef> steps, ref int locked)
    {
        while (steps.Count > 0)
        {
            var fail = checker.Check(vehicle, steps, out _);
            if (fail == RouteChecker.Feasible)
            {
                return;
            }
            string? drop = null;
            if (fail >= locked && fail < steps.Count)
            {
                drop = steps[fail].Id;
            }
            else if (steps.Count > locked)
            {
                drop = steps[^1].Id;
            }
            if (drop is null)
            {
                // The locked goods alone do not fit (should not happen: shift stretched, lateness unbounded): let the solver place them.
                steps.Clear();
                locked = 0;
                return;
            }
            steps.RemoveAll(s => s.Id == drop);
        }
    }

    private static int IndexOr<T>(IReadOnlyList<T> items, Func<T, bool> match)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (match(items[i]))
            {
                return i;
            }
        }
        return int.MaxValue;
    }
}

/// <summary>
/// The same problem with hard delivery windows, ending where their margins start: what the improvement search works on first. The routing library's
/// fast insertion path applies only when no window is soft, so a hard-window search makes many times more moves in
/// the same time; a short soft-window pass afterwards places what did not fit on time (late, at its cost) and trades
/// lateness against distance.
/// </summary>
internal static class HardWindows
{
    /// <param name="keepMargin">True: each delivery must be done when its margin starts; false: by the booked window end.</param>
    public static RoutingProblem Of(RoutingProblem problem, ITravelMatrixSource travel, CancellationToken ct, bool keepMargin = true)
    {
        Visit Harden(Visit v, bool openEnded) => v.Policy == WindowPolicy.Hard
            ? v
            : v with
            {
                Policy = WindowPolicy.Hard,
                LatenessCostPerMinute = 0,
                LateFixedCost = 0,
                MaxLatenessSeconds = null,
                MarginSeconds = 0,
                MarginCostPerMinute = 0,
                // The first search keeps the whole margin: it must be done by the time the margin starts.
                Window = v.Window is not { } w ? null
                    : openEnded ? new TimeWindow(w.Start, double.MaxValue)
                    : new TimeWindow(w.Start, w.End - (keepMargin ? Math.Min(v.MarginSeconds, Math.Max(0, w.End - w.Start)) : 0)),
            };

        var hard = problem with
        {
            // Goods on board have no hard limit: they are delivered whenever the courier gets there.
            Jobs = problem.Jobs.Select(j => j with { Delivery = Harden(j.Delivery, openEnded: true) }).ToList(),
            Shipments = problem.Shipments.Select(s => s with { Pickup = Harden(s.Pickup, false), Delivery = Harden(s.Delivery, false) }).ToList(),
        };
        if (problem.InitialRoutes is not { Count: > 0 } initial)
        {
            return hard;
        }
        var checker = new RouteChecker(hard, travel, ct);
        var vehicles = hard.Vehicles.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var repaired = new List<InitialRoute>();
        foreach (var r in initial)
        {
            var steps = r.Steps.ToList();
            var locked = r.LockedCount;
            WarmStart.Repair(checker, vehicles[r.VehicleId], steps, ref locked);
            if (steps.Count > 0)
            {
                repaired.Add(new InitialRoute(r.VehicleId, steps, locked));
            }
        }
        return hard with { InitialRoutes = repaired.Count > 0 ? repaired : null };
    }
}
