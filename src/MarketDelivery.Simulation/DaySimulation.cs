using MarketDelivery.Dispatch;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Simulation;

/// <summary>
/// Runs a whole day with one dispatch policy: market by market (markets share no couriers), or, for our
/// dispatcher with <see cref="SimulationOptions.District"/> set, the district's markets as one run with shared couriers.
/// </summary>
public static class DaySimulation
{
    public const string Baseline = "baseline";
    public const string Dispatcher = "dispatcher";
    /// <summary>The policy name of a district run: our dispatcher, couriers shared by the district's markets.</summary>
    public const string DistrictDispatcher = "district";

    /// <summary>The markets of <see cref="SimulationOptions.District"/> if set, else of <see cref="SimulationOptions.Markets"/>.</summary>
    public static IReadOnlyList<Market> SelectMarkets(MarketCatalog catalog, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        if (options.District is null)
        {
            return SelectMarkets(catalog, options.Markets);
        }
        var district = catalog.FindDistrict(options.District)
            ?? throw new ArgumentException($"Unknown district '{options.District}'; known: {string.Join(", ", catalog.Districts.Select(d => d.Id))}.");
        return SelectMarkets(catalog, district.MarketIds);
    }

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

    /// <summary>The district run's solve limits: as the district dispatcher grain sets them, or scaled as asked.</summary>
    public static SimulationOptions DistrictLimits(SimulationOptions options, int markets)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DistrictSolveScale is { } scale)
        {
            return options with { WaveTimeLimit = options.WaveTimeLimit * scale, ReplanTimeLimit = options.ReplanTimeLimit * scale };
        }
        var grain = new DispatchSettings { SolveTimeLimit = options.WaveTimeLimit, IncrementalTimeLimit = options.ReplanTimeLimit }.ForMarkets(markets);
        return options with { WaveTimeLimit = grain.SolveTimeLimit, ReplanTimeLimit = grain.IncrementalTimeLimit };
    }

    /// <summary>Simulates the day; a cancelled <paramref name="cancellationToken"/> stops it with an <see cref="OperationCanceledException"/>.</summary>
    public static RunResult Run(World world, string policy, SimulationOptions options, GreatCircleTravelSource? travel = null, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(options);
        travel ??= new GreatCircleTravelSource();
        var orders = new List<OrderOutcome>();
        var couriers = new List<CourierOutcome>();
        var replans = new List<ReplanRecord>();
        string? error = null;
        // By hand a courier serves its own market, so the baseline is always per market.
        var shared = policy != Baseline && options.District is not null;
        IEnumerable<(string Id, IReadOnlyList<Market> Markets)> groups = shared
            ? [(options.District!, world.Markets)]
            : world.Markets.Select(m => (m.Id, (IReadOnlyList<Market>)[m]));
        var runOptions = shared ? DistrictLimits(options, world.Markets.Count) : options;
        foreach (var (id, markets) in groups)
        {
            DispatchPolicy p = policy == Baseline ? new BaselinePolicy() : new PlannerPolicy(new DispatchPlanner(travel));
            var ids = markets.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            var run = new MarketRun(
                id,
                markets,
                world.Orders.Where(o => ids.Contains(o.MarketId)),
                world.Couriers.Where(c => ids.Contains(c.MarketId)),
                p,
                runOptions,
                travel);
            try
            {
                run.Run(cancellationToken);
            }
            catch (Exception ex) when (policy != Baseline && ex is not (OutOfMemoryException or OperationCanceledException))
            {
                // The planner failed: report it, and count the market's undelivered orders as unassigned.
                error ??= $"{id}: {ex.GetType().Name}: {ex.Message}";
            }
            orders.AddRange(run.OrderOutcomes());
            couriers.AddRange(run.CourierOutcomes());
            replans.AddRange(p.Replans);
            log?.Invoke($"  {(shared ? DistrictDispatcher : policy),-10} {id,-11} done: {run.Orders.Count(o => o.Status == OrderStatus.Delivered)}/{run.Orders.Count} delivered, {p.Replans.Count} plans");
        }
        return new RunResult(shared ? DistrictDispatcher : policy, orders, couriers, replans, error);
    }
}
