namespace MarketDelivery.Simulation;

/// <summary>
/// What dispatchers do by hand: whenever a courier is at the market, it takes the ready orders with the earliest
/// windows (those opening within <see cref="SimulationOptions.BaselineHorizon"/>) up to its capacity and delivers
/// them nearest-neighbour first, then rides back to the market while work remains.
/// </summary>
public sealed class BaselinePolicy : DispatchPolicy
{
    public override string Name => "baseline";

    public override void Start(MarketRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (var slot in run.Slots)
        {
            run.Schedule(slot.Start - run.Options.BaselineHorizon, run.WakeIdle);
        }
        foreach (var start in run.Couriers.Select(c => c.Spec.ShiftStart).Distinct())
        {
            run.Schedule(start, run.WakeIdle);
        }
    }

    public override void OrderReady(MarketRun run, OrderState order)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.WakeIdle();
    }

    public override void CourierIdle(MarketRun run, CourierState courier)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(courier);
        // By hand, a courier serves its own market only, even in a run holding several.
        var home = run.HomeOf(courier);
        var market = courier.Spec.MarketId;
        if (run.Metres(courier.Position, home) >= 1)
        {
            if (run.Orders.Any(o => o.Spec.MarketId == market && (o.Status is OrderStatus.NotPlaced or OrderStatus.Picking or OrderStatus.Ready) && !o.Flag))
            {
                run.SetRoute(courier, [new SimStop(SimStopKind.Return, string.Empty, home, null)]);
            }
            return;
        }

        if (run.Now < courier.Spec.ShiftStart || run.Now >= courier.Spec.ShiftEnd)
        {
            return;
        }
        var horizon = run.Now + run.Options.BaselineHorizon;
        var candidates = run.Orders
            .Where(o => o.Spec.MarketId == market && o.Status == OrderStatus.Ready && !o.Flag && o.Spec.WindowStart <= horizon)
            .OrderBy(o => o.Spec.WindowStart)
            .ThenBy(o => o.Spec.WindowEnd)
            .ThenBy(o => o.Spec.PlacedAt)
            .ToList();
        var grams = 0;
        var bags = 0;
        var taken = new List<OrderState>();
        foreach (var o in candidates)
        {
            if (grams + o.Spec.WeightGrams > courier.Spec.CapacityGrams || bags + o.Spec.Bags > courier.Spec.CapacityBags)
            {
                continue;
            }
            grams += o.Spec.WeightGrams;
            bags += o.Spec.Bags;
            taken.Add(o);
        }
        if (taken.Count == 0)
        {
            return;
        }

        var stops = new List<SimStop>();
        foreach (var o in taken)
        {
            o.Flag = true;
            stops.Add(new SimStop(SimStopKind.Pickup, o.Spec.OrderId, home, null));
        }
        var here = home;
        var left = taken.ToList();
        while (left.Count > 0)
        {
            var next = left.MinBy(o => run.Metres(here, o.Spec.Destination))!;
            left.Remove(next);
            stops.Add(new SimStop(SimStopKind.Delivery, next.Spec.OrderId, next.Spec.Destination, null));
            here = next.Spec.Destination;
        }
        run.SetRoute(courier, stops);
    }
}
