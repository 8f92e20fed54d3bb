using MarketDelivery.Dispatch;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Simulation;

/// <summary>Runs a whole day, market by market (markets share no couriers), with one dispatch policy.</summary>
public static class DaySimulation
{
    public const string Baseline = "baseline";
    public const string Dispatcher = "dispatcher";

    public static IReadOnlyList<Market> SelectMarkets(MarketCatalog catalog, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return catalog.Markets;
        }
        return ids.Select(id => catalog.FindMarket(id)
            ?? throw new ArgumentException($"Unknown market '{id}'; known: {string.Join(", ", catalog.Markets.Select(m => m.Id))}.")).ToList();
    }

    public static RunResult Run(World world, string policy, SimulationOptions options, GreatCircleTravelSource? travel = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(options);
        travel ??= new GreatCircleTravelSource();
        var orders = new List<OrderOutcome>();
        var couriers = new List<CourierOutcome>();
        var replans = new List<ReplanRecord>();
        string? error = null;
        foreach (var market in world.Markets)
        {
            DispatchPolicy p = policy == Baseline ? new BaselinePolicy() : new PlannerPolicy(new DispatchPlanner(travel));
            var run = new MarketRun(
                market,
                world.Orders.Where(o => o.MarketId == market.Id),
                world.Couriers.Where(c => c.MarketId == market.Id),
                p,
                options,
                travel);
            try
            {
                run.Run();
            }
            catch (Exception ex) when (policy != Baseline && ex is not OutOfMemoryException)
            {
                // The planner failed: report it, and count the market's undelivered orders as unassigned.
                error ??= $"{market.Id}: {ex.GetType().Name}: {ex.Message}";
            }
            orders.AddRange(run.OrderOutcomes());
            couriers.AddRange(run.CourierOutcomes());
            replans.AddRange(p.Replans);
            log?.Invoke($"  {policy,-10} {market.Id,-11} done: {run.Orders.Count(o => o.Status == OrderStatus.Delivered)}/{run.Orders.Count} delivered, {p.Replans.Count} plans");
        }
        return new RunResult(policy, orders, couriers, replans, error);
    }
}
