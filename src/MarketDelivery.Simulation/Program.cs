using System.Diagnostics;
using System.Globalization;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Simulation;

if (args.Length > 0 && args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage.Text);
    return 0;
}
if (args.Length > 0 && args[0] == "wave-bench")
{
    return WaveBench.RunCli(args[1..]);
}
if (args.Length > 0 && args[0] == "sweep")
{
    return FleetSweep.RunCli(args[1..]);
}
if (args.Length > 0 && args[0] == "advise")
{
    return AdviseCli.Run(args[1..]);
}

var options = SimulationOptions.Parse(args, out var errors);
if (errors.Count > 0)
{
    foreach (var e in errors)
    {
        Console.Error.WriteLine(e);
    }
    Console.Error.WriteLine(Usage.Text);
    return 2;
}

var catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
IReadOnlyList<Market> markets;
try
{
    markets = DaySimulation.SelectMarkets(catalog, options);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var world = WorldGenerator.Generate(markets, options);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Simulating {options.Date:yyyy-MM-dd}, seed {options.Seed}: {markets.Count} markets ({string.Join(", ", markets.Select(m => m.Id))}), {world.Orders.Count} orders, {world.Couriers.Count} couriers ({(options.DistrictFleet is { } total ? "district fleet " + total.ToString(CultureInfo.InvariantCulture) + " split" : options.CouriersPerMarket is { } n ? n.ToString(CultureInfo.InvariantCulture) + "/market" : "staffed at " + options.OrdersPerCourierPerSlot.ToString(CultureInfo.InvariantCulture) + " orders/courier/slot")}: {string.Join(", ", markets.Select(m => m.Id + " " + world.Couriers.Count(c => c.MarketId == m.Id)))})"));

RunResult? baseline = null;
RunResult? dispatcher = null;
RunResult? perMarket = null;
var clock = Stopwatch.StartNew();
if (options.RunBaseline)
{
    baseline = DaySimulation.Run(world, DaySimulation.Baseline, options, log: Console.WriteLine);
}
if (options.RunDispatcher && options.RunPerMarket && options.District is not null)
{
    // The comparison a district needs: the same world and fleet, our dispatcher market by market.
    perMarket = DaySimulation.Run(world, DaySimulation.Dispatcher, options with { District = null }, log: Console.WriteLine);
}
if (options.RunDispatcher)
{
    dispatcher = DaySimulation.Run(world, DaySimulation.Dispatcher, options, log: Console.WriteLine);
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Simulated in {clock.Elapsed.TotalSeconds:0.0} s wall time."));
Console.WriteLine();

var runs = new[] { dispatcher, perMarket, baseline }.OfType<RunResult>().ToList();
Console.Write(Summary.Table(runs));
Console.WriteLine();
Console.Write(Summary.PerMarket(dispatcher, baseline));
Console.WriteLine();
Console.Write(Summary.PerWindow(runs));
if (dispatcher is not null)
{
    Console.WriteLine();
    Console.WriteLine("plans by trigger: " + string.Join(", ", dispatcher.Replans
        .GroupBy(r => r.Trigger.StartsWith("wave", StringComparison.Ordinal) ? "wave" : r.Trigger)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count()} (p95 {Kpis.Percentile(g.Select(r => r.SolveMs).ToList(), 0.95):0} ms)"))));
}

SimDebug.LateOrders(dispatcher);
var output = options.OutputPath ?? HtmlReport.DefaultPath();
HtmlReport.Write(output, world, options, dispatcher, baseline, perMarket);
Console.WriteLine($"Report: {Path.GetFullPath(output)}");
if (options.District is not null && dispatcher is not null)
{
    Console.WriteLine(Summary.DistrictLine(world, options.District, options.Seed, dispatcher, perMarket, baseline));
}
Console.WriteLine(Summary.KpiLine(dispatcher, baseline));
return 0;

internal static class Usage
{
    public const string Text = """
        Usage:
          dotnet run -c Release --project src/MarketDelivery.Simulation -- [options]
            --seed N                 master seed (default 1)
            --orders-per-market N    orders per market per day (default 300)
            --markets a,b            market ids (default: every seed market)
            --district ID            a district's markets (data/districts.json, e.g. gangdong = amsa + gildong): our
                                     dispatcher plans them as one with shared couriers, and also runs per market for
                                     comparison; the baseline stays per market. Prints a DISTRICT line before the KPI line
            --district-fleet N       with --district: N couriers in all, split evenly over its markets (the remainder one
                                     each to the first markets listed: 7 = amsa 4 + gildong 3)
            --district-solve-scale X the district run's solve limits times X (default: as the district dispatcher grain,
                                     a market's limits times n² for n markets, n up to 3; 1: one market's limits)
            --couriers-per-market N  fleet size per market (default: one courier per 8.5 orders of an average slot,
                                     --orders-per-courier-slot X; 60 % scooters, --scooters-per-market N)
            --out PATH               HTML report (default artifacts/simulation/report.html)
            --time-limit-ms N        solve limit of waves and full re-plans (default the planner's, 2000)
            --replan-limit-ms N      solve limit of insert-only re-plans (default the planner's, 250)
            --slow-cpu K             plan as a quiet machine would on one K times slower (busy): limits x K, search
                                     work per second / K, so figures do not depend on the load (default 1)
            --full-replans 1|0       trigger re-plans search the whole plan like the grain (1, default) or insert only (0)
            --replan-period-min M    also a full re-plan every M minutes (default off)
            --ready-first 1|0        pick up ready bags before waiting for one still being picked (default 0)
            --margin-min M           the planner's delivery margin: slack kept in each window's last M min (default 45)
            --margin-cost-share X    a minute inside the margin costs X of a late minute (default 0.25)
            --hard-share X           share of a full plan's search work for the hard-window pass (default the planner's, 0.8)
            --booked-end-share X     share of the hard-window pass's work held back for a second pass from its routes,
                                     to the booked window ends when not every order fitted before its margin
                                     (default the planner's, 0: one pass)
            --late-order-cost X      metres charged once per late order besides its late minutes (default the planner's, 0)
            --wave-lead-min M, --release-when-ready N, --debounce-min M, --lateness-cost X,
            --noise-sigma S, --shortage-prob P, --curve w7,w8,..., --date yyyy-MM-dd,
            --baseline-only, --dispatcher-only, --per-market 1|0 (a district: also our dispatcher per market, default 1)
          dotnet run -c Release --project src/MarketDelivery.Simulation -- wave-bench [--orders 200] [--couriers 20]
            [--inserts 30] [--time-limit-ms 1500] [--insert-limit-ms 120] [--market mangwon] [--seed 1]
            [--cold-start search|ortools] [--hard-pass 1|0] [--courier-cost 500] [--slow-cpu K]: what one wave's plan costs
            (km, couriers, late deliveries) with each stage of the search switched, see the Dispatch README
          dotnet run -c Release --project src/MarketDelivery.Simulation -- sweep --markets amsa --seeds 1..5 --couriers 4..12
            [--parallel N] [any option above]: both runs per seed and fleet size (N days at once), then a FLEET line
            (smallest fleet at >= 98 % on time in every seed, and the (seed, fleet) pairs where the dispatcher is less
            punctual than the baseline)
          dotnet run -c Release --project src/MarketDelivery.Simulation -- advise --markets amsa [--orders-per-market N]
          dotnet run -c Release --project src/MarketDelivery.Simulation -- advise --district gangdong   (shared couriers)
            [--date yyyy-MM-dd]: the fleet advisor on the demand model's orders per slot (couriers and km per hour)
          dotnet run -c Release --project src/MarketDelivery.Simulation -- sweep --district gangdong --seeds 1..5 --couriers 10..16
            --couriers is the district's total fleet (split as --district-fleet); the district dispatcher against our
            dispatcher per market and the per-market baseline, on-time % over all the district's orders
        """;
}
internal static class SimDebug
{
    public static void LateOrders(RunResult? r)
    {
        if (r is null || Environment.GetEnvironmentVariable("MD_SIM_DEBUG") is null) { return; }
        foreach (var p in r.Replans) { Console.WriteLine(FormattableString.Invariant($"PLAN {p.MarketId} {p.At:HH:mm} {p.Trigger} orders={p.Orders} used={p.CouriersUsed}/{p.Couriers} late={p.PlannedLate} unassigned={p.Unassigned} {p.SolveMs:0}ms")); }
        foreach (var o in r.Orders.Where(o => !o.OnTime))
        {
            Console.WriteLine(FormattableString.Invariant($"LATE {o.OrderId} placed {o.PlacedAt:HH:mm} ready {o.ReadyAt:HH:mm} win {o.WindowStart:HH:mm}-{o.WindowEnd:HH:mm} picked {o.PickedUpAt:HH:mm} deliv {o.DeliveredAt:HH:mm} by {o.CourierId} unassigned={o.EverUnassigned}"));
            // What the courier did from an hour before the pick-up to the late delivery (window ends, readiness).
            var courier = r.Couriers.FirstOrDefault(c => c.CourierId == o.CourierId);
            if (courier is null || o.PickedUpAt is not { } picked)
            {
                continue;
            }
            var byId = r.Orders.ToDictionary(x => x.OrderId, StringComparer.Ordinal);
            foreach (var s in courier.Stops.Where(s => s.At >= picked.AddHours(-1) && s.At <= (o.DeliveredAt ?? picked)))
            {
                var x = byId[s.OrderId];
                Console.WriteLine(FormattableString.Invariant($"  {s.At:HH:mm} {s.Kind,-8} {s.OrderId} ready {x.ReadyAt:HH:mm} win-end {x.WindowEnd:HH:mm}"));
            }
        }
    }
}

internal static class AdviseCli
{
    /// <summary>The fleet advisor as the server runs it, on the demand model; for measuring its time.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var options = SimulationOptions.Parse(args, out var errors);
        if (errors.Count > 0 || (options.Markets.Count != 1) == (options.District is null))
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, errors.DefaultIfEmpty("advise needs --markets with one market id, or --district.")));
            return 2;
        }
        var catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
        var markets = DaySimulation.SelectMarkets(catalog, options);
        var district = options.District is { } id ? catalog.FindDistrict(id)! : District.Alone(markets[0]);
        var demand = markets.ToDictionary(m => m.Id, m => FleetAdvisor.ModelDemand(m, options.Date, options), StringComparer.Ordinal);
        foreach (var (market, slots) in demand)
        {
            Console.WriteLine($"{market} demand per slot: " + string.Join(", ", slots.Select(d => $"{d.Key} {d.Value}")));
        }
        var advice = FleetAdvisor.Advise(district, markets, options.Date, demand);
        foreach (var h in advice.Hours)
        {
            Console.WriteLine(FormattableString.Invariant($"{h.Start:HH\\:mm} couriers={h.Couriers} km={h.CourierKm:0.0}"));
        }
        Console.WriteLine(FormattableString.Invariant(
            $"ADVICE {(markets.Count > 1 ? "district" : "market")}={advice.DistrictId} orders={advice.Orders} fleet={advice.Fleet} peak={advice.PeakCouriers} courier_hours={advice.CourierHours} km={advice.CourierKm:0.0} on_time_pct={advice.OnTimePct:0.00} reached={advice.TargetReached} tried={string.Join(",", advice.Trials.Select(t => $"{t.Fleet}:{t.OnTimePct:0.0}"))} seconds={advice.Elapsed.TotalSeconds:0.0}"));
        return 0;
    }
}
