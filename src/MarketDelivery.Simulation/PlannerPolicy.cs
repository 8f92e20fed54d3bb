using System.Diagnostics;
using MarketDelivery.Dispatch;

namespace MarketDelivery.Simulation;

/// <summary>
/// Our dispatcher: releases a slot's orders as a wave (<see cref="WavePolicy"/>: lead time before the slot, or
/// enough orders ready), plans every released order with <see cref="DispatchPlanner"/> and has couriers follow the
/// plan's stop order. Re-plans, debounced, when an order arrives for a released slot, a merchant is late, a courier
/// falls behind the plan, or orders were left unassigned; the plan in force is the warm start.
/// </summary>
public sealed class PlannerPolicy(DispatchPlanner planner) : DispatchPolicy
{
    private readonly List<ReplanRecord> _replans = [];
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);
    private DispatchPlan? _previous;
    private bool _scheduled;
    private bool _wavePending;
    private bool _fullPending;
    private readonly List<string> _triggers = [];
    private WavePolicy _wave = WavePolicy.Default;

    public override string Name => "dispatcher";

    public override IReadOnlyList<ReplanRecord> Replans => _replans;

    public override void Start(MarketRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _wave = new WavePolicy(run.Options.WaveLeadTime, run.Options.ReleaseWhenReady);
        foreach (var slot in run.Slots)
        {
            // Keyed by market and slot: a district's markets have slots with the same ids.
            var id = slot.Key;
            run.Schedule(_wave.ReleaseAt(slot.Start), () => Release(run, id));
        }
        if (run.Options.ReplanPeriod is { } period)
        {
            var first = run.Slots.Min(s => _wave.ReleaseAt(s.Start));
            var last = run.Slots.Max(s => s.End);
            for (var t = first + period; t < last; t += period)
            {
                run.Schedule(t, () =>
                {
                    if (run.Orders.Any(o => o.Status is OrderStatus.OnBoard
                        || (o.Status is OrderStatus.Picking or OrderStatus.Ready && _released.Contains(RunSlot.KeyOf(o.Spec)))))
                    {
                        Request(run, "periodic", wave: false, full: true);
                    }
                });
            }
        }
    }

    private void Release(MarketRun run, string slotKey)
    {
        if (_released.Add(slotKey) && run.Orders.Any(o => RunSlot.KeyOf(o.Spec) == slotKey && o.Status != OrderStatus.NotPlaced))
        {
            Request(run, "wave " + slotKey[^4..], wave: true);
        }
    }

    public override void OrderPlaced(MarketRun run, OrderState order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (_released.Contains(RunSlot.KeyOf(order.Spec)))
        {
            Request(run, "new-order", wave: false);
        }
    }

    public override void OrderReady(MarketRun run, OrderState order)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(order);
        var slot = run.Slots.First(s => s.Key == RunSlot.KeyOf(order.Spec));
        if (!_released.Contains(slot.Key))
        {
            var ready = run.Orders.Count(o => RunSlot.KeyOf(o.Spec) == slot.Key && o.Status == OrderStatus.Ready);
            if (_wave.ShouldRelease(run.Now, slot.Start, ready))
            {
                Release(run, slot.Key);
            }
        }
    }

    public override void CourierArrived(MarketRun run, CourierState courier, SimStop stop)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(stop);
        if (stop.PlannedArrival is { } planned && run.Now - planned > run.Options.CourierDelayThreshold)
        {
            Request(run, "courier-delayed", wave: false);
        }
        if (run.Options.ReadyFirst && stop.Kind == SimStopKind.Pickup && courier.Pending.Count > 1 && ReferenceEquals(courier.Pending[0], stop)
            && run.OrdersById[stop.OrderId].Status != OrderStatus.Ready)
        {
            // The pick-ups waiting here (before the courier rides off) whose bags are ready go first.
            var run0 = courier.Pending.TakeWhile(s => s.Kind == SimStopKind.Pickup && s.Location == stop.Location).ToList();
            var ready = run0.Where(s => run.OrdersById[s.OrderId].Status == OrderStatus.Ready).ToList();
            if (ready.Count > 0)
            {
                var reordered = ready.Concat(run0.Where(s => !ready.Contains(s))).Concat(courier.Pending.Skip(run0.Count)).ToList();
                run.SetRoute(courier, reordered);
            }
        }
    }

    /// <summary>
    /// A courier already carrying orders does not hold them for a merchant who is late (or not due for a few
    /// minutes): it rides on, and the order goes back to the planner.
    /// </summary>
    public override bool WaitForPickup(MarketRun run, CourierState courier, OrderState order)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(courier);
        ArgumentNullException.ThrowIfNull(order);
        if (courier.OnBoard.Count == 0 || order.Spec.ExpectedReadyAt - run.Now > TimeSpan.Zero && order.Spec.ExpectedReadyAt - run.Now <= MaxHold)
        {
            return true;
        }
        Request(run, "merchant-late", wave: false);
        return false;
    }

    private static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(3);

    private void Request(MarketRun run, string trigger, bool wave, bool full = false)
    {
        _triggers.Add(trigger);
        _wavePending |= wave;
        // Trigger re-plans other than a new order (the insert path) may search the whole plan.
        _fullPending |= full || (run.Options.FullReplans && trigger != "new-order");
        if (_scheduled)
        {
            return;
        }
        _scheduled = true;
        run.Schedule(wave ? run.Now : run.Now + run.Options.ReplanDebounce, () => Replan(run));
    }

    private void Replan(MarketRun run)
    {
        var wave = _wavePending;
        var full = _fullPending;
        _fullPending = false;
        var trigger = _triggers.FirstOrDefault(t => t.StartsWith("wave", StringComparison.Ordinal)) ?? _triggers.FirstOrDefault() ?? "?";
        _scheduled = false;
        _wavePending = false;
        _triggers.Clear();

        var active = run.Orders
            .Where(o => o.Status is OrderStatus.OnBoard
                || (o.Status is OrderStatus.Picking or OrderStatus.Ready && _released.Contains(RunSlot.KeyOf(o.Spec))))
            .ToList();
        if (active.Count == 0)
        {
            return;
        }
        var now = run.Now;
        var orders = active.Select(o => ToDispatch(run, o)).ToList();
        var couriers = run.Couriers.Where(c => c.OnBoard.Count > 0 || c.Spec.ShiftEnd > now).Select(c => new DispatchCourier(
            c.Spec.CourierId,
            c.Spec.Mode,
            c.Spec.CapacityGrams,
            c.Spec.CapacityBags,
            c.Spec.ShiftStart,
            c.OnBoard.Count > 0 && c.Spec.ShiftEnd < now + TimeSpan.FromHours(2) ? now + TimeSpan.FromHours(2) : c.Spec.ShiftEnd,
            c.PositionAt(now),
            c.OnBoard.ToList(),
            run.ReturnHome ? run.HomeOf(c) : null)).ToList();
        var slow = run.Options.SlowCpu;
        var settings = new DispatchSettings
        {
            SolveTimeLimit = run.Options.WaveTimeLimit * slow,
            IncrementalTimeLimit = run.Options.ReplanTimeLimit * slow,
            WorkUnitsPerSecond = slow > 1 ? new MarketDelivery.Routing.Model.SolveOptions().WorkUnitsPerSecond / slow : null,
            Seed = run.Options.Seed,
            PickupService = MarketRun.PickupService,
            DeliveryService = MarketRun.DeliveryService,
            LatenessCostPerMinute = run.Options.LatenessCostPerMinute,
            LateOrderCost = run.Options.LateOrderCost,
            DeliveryMargin = run.Options.DeliveryMargin,
            DeliveryMarginCostShare = run.Options.DeliveryMarginCostShare,
            UsedCourierCost = run.Options.UsedCourierCost,
            HardWindowShare = run.Options.HardWindowShare,
            BookedEndPassShare = run.Options.BookedEndPassShare,
        };
        var snapshot = new DispatchSnapshot(now, orders, couriers, Prune(_previous, active));
        var sw = Stopwatch.StartNew();
        // As in the dispatcher grain: a wave, the first plan and a full re-plan search the whole plan within the solve
        // limit; a new order (or a trigger without full re-plans) takes the incremental fast path.
        var plan = wave || full || snapshot.Previous is null ? planner.Plan(snapshot, settings)
            : planner.PlanIncremental(snapshot, settings);
        sw.Stop();
        _previous = plan;
        _replans.Add(new ReplanRecord(run.Id, now, trigger, sw.Elapsed.TotalMilliseconds, orders.Count, couriers.Count, plan.Unassigned.Count, plan.IsFeasible,
            plan.Routes.Sum(r => r.Stops.Count(s => s.Kind == PlannedStopKind.Delivery && s.Lateness > TimeSpan.Zero)),
            plan.Routes.Count(r => r.Stops.Count > 0)));

        foreach (var u in plan.Unassigned)
        {
            if (run.OrdersById.TryGetValue(u.OrderId, out var o))
            {
                o.EverUnassigned = true;
            }
        }

        var routes = plan.Routes.ToDictionary(r => r.CourierId, StringComparer.Ordinal);
        foreach (var c in run.Couriers)
        {
            var stops = new List<SimStop>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (routes.TryGetValue(c.Spec.CourierId, out var route))
            {
                foreach (var s in route.Stops)
                {
                    if (!run.OrdersById.TryGetValue(s.OrderId, out var o))
                    {
                        continue;
                    }
                    if (s.Kind == PlannedStopKind.Pickup && o.Status is OrderStatus.Picking or OrderStatus.Ready)
                    {
                        stops.Add(new SimStop(SimStopKind.Pickup, s.OrderId, s.Location, s.Arrival));
                    }
                    else if (s.Kind == PlannedStopKind.Delivery && seen.Add(s.OrderId))
                    {
                        stops.Add(new SimStop(SimStopKind.Delivery, s.OrderId, s.Location, s.Arrival));
                    }
                }
            }
            // Never strand what a courier carries: deliveries the plan left out go last, nearest first.
            var here = stops.Count > 0 ? stops[^1].Location : c.PositionAt(now);
            var missing = c.OnBoard.Where(id => !seen.Contains(id)).Select(id => run.OrdersById[id]).ToList();
            while (missing.Count > 0)
            {
                var next = missing.MinBy(o => run.Metres(here, o.Spec.Destination))!;
                missing.Remove(next);
                stops.Add(new SimStop(SimStopKind.Delivery, next.Spec.OrderId, next.Spec.Destination, null));
                here = next.Spec.Destination;
            }
            run.SetRoute(c, stops);
        }

        foreach (var o in active.Where(o => o.Status == OrderStatus.Picking && !o.Flag))
        {
            var check = Max(now, o.Spec.ExpectedReadyAt) + run.Options.MerchantLateThreshold;
            var order = o;
            run.Schedule(check, () =>
            {
                if (order.Status == OrderStatus.Picking && !order.Flag)
                {
                    order.Flag = true;
                    Request(run, "merchant-late", wave: false);
                }
            });
        }
        if (plan.Unassigned.Count > 0)
        {
            run.Schedule(now + TimeSpan.FromMinutes(10), () => Request(run, "unassigned-retry", wave: false));
        }
    }

    private static DispatchOrder ToDispatch(MarketRun run, OrderState o)
    {
        var s = o.Spec;
        var (state, readyAt) = o.Status switch
        {
            OrderStatus.OnBoard => (DispatchOrderState.OnBoard, s.ReadyAt),
            OrderStatus.Ready => (DispatchOrderState.ReadyAtMarket, s.ReadyAt),
            // Still picking: dispatch only knows the estimate; once it has passed, assume a few more minutes.
            _ => (DispatchOrderState.Picking, Max(s.ExpectedReadyAt, run.Now + run.Options.MerchantLateThreshold)),
        };
        return new DispatchOrder(
            s.OrderId,
            s.MarketId,
            run.HandOverOf(s.MarketId),
            s.Destination,
            s.WindowStart,
            s.WindowEnd,
            readyAt,
            s.WeightGrams,
            s.Bags,
            state,
            o.Status == OrderStatus.OnBoard ? o.CourierId : null);
    }

    /// <summary>The plan in force, reduced to what is still to do, as the warm start.</summary>
    private static DispatchPlan? Prune(DispatchPlan? previous, List<OrderState> active)
    {
        if (previous is null)
        {
            return null;
        }
        var status = active.ToDictionary(o => o.Spec.OrderId, o => o.Status, StringComparer.Ordinal);
        var routes = previous.Routes
            .Select(r => r with
            {
                Stops = r.Stops.Where(s => status.TryGetValue(s.OrderId, out var st)
                    && (s.Kind == PlannedStopKind.Delivery || st != OrderStatus.OnBoard)).ToList(),
            })
            .ToList();
        return previous with
        {
            Routes = routes,
            Unassigned = previous.Unassigned.Where(u => status.ContainsKey(u.OrderId)).ToList(),
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
