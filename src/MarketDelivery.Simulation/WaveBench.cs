using System.Diagnostics;
using System.Globalization;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Simulation;

/// <summary>
/// Measures the planning targets: one wave of 200 orders with 20 couriers (at most 2 s), and single new
/// orders inserted into the live plan (p95 at most 300 ms). Times are wall clock around the planner call.
/// </summary>
public static class WaveBench
{
    /// <summary>The wave's solve time and plan quality (km to ride, couriers used, late deliveries and minutes), then the inserts' times.</summary>
    public sealed record Result(double WaveMs, int WaveUnassigned, bool WaveFeasible, IReadOnlyList<double> InsertMs, int FinalUnassigned,
        double WaveKm = 0, int WaveCouriersUsed = 0, int WaveLate = 0, double WaveLateMinutes = 0);

    public static int RunCli(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int orders = 200, couriers = 20, inserts = 30, waveMs = 1500, insertMs = 120, seed = 1;
        var marketId = "mangwon";
        var tuning = new DispatchSettings();
        var slow = 1.0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--orders": orders = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--couriers": couriers = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--inserts": inserts = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--time-limit-ms": waveMs = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--insert-limit-ms": insertMs = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--market": marketId = v; break;
                // Stage switches, to measure what each stage of the search gains (Dispatch README).
                case "--cold-start" when Enum.TryParse<DispatchColdStart>(v, ignoreCase: true, out var start) && !int.TryParse(v, out _):
                    tuning = tuning with { ColdStart = start };
                    break;
                case "--cold-start":
                    Console.Error.WriteLine($"--cold-start '{v}': expected search or ortools.");
                    return 2;
                case "--hard-pass": tuning = tuning with { HardWindowPass = v != "0" }; break;
                case "--courier-cost": tuning = tuning with { UsedCourierCost = double.Parse(v, CultureInfo.InvariantCulture) }; break;
                case "--margin-min": tuning = tuning with { DeliveryMargin = TimeSpan.FromMinutes(double.Parse(v, CultureInfo.InvariantCulture)) }; break;
                case "--booked-end-share": tuning = tuning with { BookedEndPassShare = double.Parse(v, CultureInfo.InvariantCulture) }; break;
                case "--margin-share": tuning = tuning with { DeliveryMarginCostShare = double.Parse(v, CultureInfo.InvariantCulture) }; break;
                case "--lateness-cost": tuning = tuning with { LatenessCostPerMinute = double.Parse(v, CultureInfo.InvariantCulture) }; break;
                case "--late-order-cost": tuning = tuning with { LateOrderCost = double.Parse(v, CultureInfo.InvariantCulture) }; break;
                // The work a quiet machine does in the limits, on a busy one: limits times K, the search's work rate over K.
                case "--slow-cpu": slow = Math.Max(1, double.Parse(v, CultureInfo.InvariantCulture)); break;
                default:
                    Console.Error.WriteLine($"Unknown option '{args[i]}'.");
                    return 2;
            }
        }
        if (slow > 1)
        {
            tuning = tuning with { WorkUnitsPerSecond = new MarketDelivery.Routing.Model.SolveOptions().WorkUnitsPerSecond / slow };
            waveMs = (int)(waveMs * slow);
            insertMs = (int)(insertMs * slow);
        }
        var catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
        var market = catalog.FindMarket(marketId);
        if (market is null)
        {
            Console.Error.WriteLine($"Unknown market '{marketId}'.");
            return 2;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wave-bench: {market.Id}, {orders} orders, {couriers} couriers, wave limit {waveMs} ms; {inserts} single-order inserts, limit {insertMs} ms"));
        var r = Run(market, orders, couriers, inserts, TimeSpan.FromMilliseconds(waveMs), TimeSpan.FromMilliseconds(insertMs), seed, tuning);
        var p50 = Kpis.Percentile(r.InsertMs, 0.5);
        var p95 = Kpis.Percentile(r.InsertMs, 0.95);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wave: {r.WaveMs:0} ms, {r.WaveUnassigned} unassigned, feasible={r.WaveFeasible} (target <= 2000 ms); {r.WaveKm:0.00} km on {r.WaveCouriersUsed} couriers, {r.WaveLate} deliveries late by {r.WaveLateMinutes:0.0} min in all"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"insert: p50 {p50:0} ms, p95 {p95:0} ms, max {(r.InsertMs.Count == 0 ? 0 : r.InsertMs.Max()):0} ms over {r.InsertMs.Count}; {r.FinalUnassigned} unassigned at the end (target p95 <= 300 ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BENCH wave_ms={r.WaveMs:0} wave_km={r.WaveKm:0.00} wave_couriers={r.WaveCouriersUsed} wave_late={r.WaveLate} wave_late_min={r.WaveLateMinutes:0.0} insert_p50_ms={p50:0} insert_p95_ms={p95:0}"));
        return 0;
    }

    /// <param name="tuning">Planner settings to measure (time limits and seed are set from the other arguments).</param>
    public static Result Run(Market market, int orderCount, int courierCount, int inserts, TimeSpan waveLimit, TimeSpan insertLimit, int seed,
        DispatchSettings? tuning = null)
    {
        ArgumentNullException.ThrowIfNull(market);
        var date = new DateOnly(2026, 11, 24);
        var slot = market.SlotOn(date, market.Slots[Math.Min(1, market.Slots.Count - 1)]);
        var now = slot.Start - TimeSpan.FromMinutes(45);
        var rng = new Random(seed);
        var env = market.ServiceArea.EnvelopeInternal;
        var hand = market.HandOverPoint.Location;
        DispatchOrder NewOrder(string id)
        {
            GeoPoint p;
            do
            {
                p = new GeoPoint(env.MinY + (rng.NextDouble() * (env.MaxY - env.MinY)), env.MinX + (rng.NextDouble() * (env.MaxX - env.MinX)));
            }
            while (!market.Serves(p));
            var ready = rng.NextDouble() < 0.6;
            return new DispatchOrder(id, market.Id, hand, p, slot.Start, slot.End,
                ready ? now - TimeSpan.FromMinutes(rng.Next(1, 20)) : now + TimeSpan.FromMinutes(rng.Next(5, 35)),
                1_000 + rng.Next(6_000), 1 + rng.Next(3), ready ? DispatchOrderState.ReadyAtMarket : DispatchOrderState.Picking);
        }
        var orders = Enumerable.Range(1, orderCount).Select(i => NewOrder(FormattableString.Invariant($"w-{i:000}"))).ToList();
        var fleet = Enumerable.Range(1, courierCount).Select(i => new DispatchCourier(
            FormattableString.Invariant($"c{i:00}"),
            i % 3 == 0 ? TravelMode.Bicycle : TravelMode.Scooter,
            i % 3 == 0 ? 15_000 : 20_000,
            i % 3 == 0 ? 5 : 6,
            now - TimeSpan.FromHours(1),
            slot.End + TimeSpan.FromHours(2),
            hand,
            [])).ToList();
        var planner = new DispatchPlanner();
        var settings = (tuning ?? new DispatchSettings()) with { SolveTimeLimit = waveLimit, IncrementalTimeLimit = insertLimit, Seed = seed };

        var sw = Stopwatch.StartNew();
        var plan = planner.Plan(new DispatchSnapshot(now, orders, fleet), settings);
        var waveMs = sw.Elapsed.TotalMilliseconds;
        var deliveries = plan.Routes.SelectMany(r => r.Stops).Where(x => x.Kind == PlannedStopKind.Delivery).ToList();
        var waveKm = plan.Routes.Sum(r => r.DistanceMetres) / 1000;
        var waveUsed = plan.Routes.Count(r => r.Stops.Count > 0);
        var waveLate = deliveries.Count(x => x.Lateness > TimeSpan.Zero);
        var waveLateMinutes = deliveries.Sum(x => x.Lateness.TotalMinutes);
        var waveUnassigned = plan.Unassigned.Count;
        var feasible = plan.IsFeasible;

        var times = new List<double>();
        for (var k = 1; k <= inserts; k++)
        {
            now += TimeSpan.FromSeconds(20);
            orders.Add(NewOrder(FormattableString.Invariant($"n-{k:000}")));
            sw.Restart();
            plan = planner.PlanIncremental(new DispatchSnapshot(now, orders, fleet, plan), settings);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return new Result(waveMs, waveUnassigned, feasible, times, plan.Unassigned.Count, waveKm, waveUsed, waveLate, waveLateMinutes);
    }
}
