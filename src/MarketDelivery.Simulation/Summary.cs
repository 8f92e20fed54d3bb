using System.Globalization;
using System.Text;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Simulation;

/// <summary>The console output: per-run table and the final KPI line.</summary>
public static class Summary
{
    private static string F(double v, string format = "0.0") =>
        double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "nan";

    public static string Table(IReadOnlyList<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var sb = new StringBuilder();
        sb.AppendLine("run         orders delivered on-time%  late-mean  late-p95  late-max  courier-km  km/order  orders/busy-h  unassigned  ever-unassigned  plans  solve-p50  solve-p95  solve-max");
        foreach (var r in runs)
        {
            var k = r.Kpis;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Policy,-10} {k.Orders,7} {k.Delivered,9} {F(k.OnTimePct, "0.00"),9} {F(k.MeanLatenessMin),8}m {F(k.P95LatenessMin),8}m {F(k.MaxLatenessMin),8}m {F(k.CourierKm),11} {F(k.KmPerOrder, "0.000"),9} {F(k.OrdersPerCourierHour, "0.00"),14} {k.Unassigned,11} {k.EverUnassigned,16} {k.Replans,6} {F(k.SolveP50Ms, "0"),8}ms {F(k.SolveP95Ms, "0"),8}ms {F(k.SolveMaxMs, "0"),8}ms"));
            if (r.Error is not null)
            {
                sb.AppendLine($"  ! {r.Policy} run stopped early: {r.Error}");
            }
        }
        return sb.ToString();
    }

    /// <summary>Per market, both runs side by side.</summary>
    public static string PerMarket(RunResult? dispatcher, RunResult? baseline)
    {
        var sb = new StringBuilder();
        sb.AppendLine("market       dispatcher on-time%  km/order  plans | baseline on-time%  km/order");
        var markets = (dispatcher ?? baseline)?.Orders.Select(o => o.MarketId).Distinct().ToList() ?? [];
        foreach (var m in markets)
        {
            static (double OnTime, double KmPerOrder, int Plans) Of(RunResult? r, string market)
            {
                if (r is null)
                {
                    return (double.NaN, double.NaN, 0);
                }
                var sub = new RunResult(r.Policy, r.Orders.Where(o => o.MarketId == market).ToList(),
                    r.Couriers.Where(c => c.MarketId == market).ToList(), r.Replans.Where(p => p.MarketId == market).ToList(), null);
                var k = sub.Kpis;
                return (k.OnTimePct, k.KmPerOrder, k.Replans);
            }
            var d = Of(dispatcher, m);
            var b = Of(baseline, m);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{m,-12} {F(d.OnTime, "0.00"),19} {F(d.KmPerOrder, "0.000"),9} {d.Plans,6} | {F(b.OnTime, "0.00"),17} {F(b.KmPerOrder, "0.000"),9}"));
        }
        return sb.ToString();
    }

    /// <summary>Per delivery window start (all markets): orders, and on-time % and mean lateness of each run.</summary>
    public static string PerWindow(IReadOnlyList<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var sb = new StringBuilder();
        sb.Append("window  orders");
        foreach (var r in runs)
        {
            sb.Append(CultureInfo.InvariantCulture, $" | {r.Policy,10} on-time%  late-mean");
        }
        sb.AppendLine();
        if (runs.Count == 0)
        {
            return sb.ToString();
        }
        foreach (var g in runs[0].Orders.GroupBy(o => o.WindowStart.ToString("HH:mm", CultureInfo.InvariantCulture)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{g.Key,-7} {g.Count(),6}");
            foreach (var r in runs)
            {
                var os = r.Orders.Where(o => o.WindowStart.ToString("HH:mm", CultureInfo.InvariantCulture) == g.Key).ToList();
                var late = os.Where(o => o.Delivered).Select(o => o.Lateness.TotalMinutes).DefaultIfEmpty(0).Average();
                sb.Append(CultureInfo.InvariantCulture, $" | {F(100.0 * os.Count(o => o.OnTime) / os.Count, "0.0"),19} {F(late),9}m");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    public static double ImprovementPct(RunResult? dispatcher, RunResult? baseline)
    {
        if (dispatcher is null || baseline is null)
        {
            return double.NaN;
        }
        var b = baseline.Kpis.KmPerOrder;
        return b <= 0 ? double.NaN : 100.0 * (b - dispatcher.Kpis.KmPerOrder) / b;
    }

    /// <summary>Couriers of a run who delivered orders of more than one market (only a district run has any).</summary>
    public static int SharedCouriers(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var marketOf = run.Orders.ToDictionary(o => o.OrderId, o => o.MarketId, StringComparer.Ordinal);
        return run.Couriers.Count(c => c.Stops.Where(s => s.Kind == SimStopKind.Delivery).Select(s => marketOf[s.OrderId]).Distinct().Count() > 1);
    }

    /// <summary>
    /// Km from where each courier of <paramref name="run"/> ended the day to its home market's hand-over point (the
    /// planner's distance model). Only a district run rides it; a market's own couriers end in its service area,
    /// and this is what their ride home would add.
    /// </summary>
    public static double HomeLeftKm(RunResult run, World world)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(world);
        var home = world.Markets.ToDictionary(m => m.Id, m => m.HandOverPoint.Location, StringComparer.Ordinal);
        var circuity = new GreatCircleTravelSource().CircuityFactor;
        return run.Couriers.Where(c => c.Legs.Count > 0).Sum(c =>
        {
            var (end, h) = (c.Legs[^1].To, home[c.MarketId]);
            return GreatCircleTravelSource.HaversineMetres(end.Lon, end.Lat, h.Lon, h.Lat) * circuity;
        }) / 1000.0;
    }

    /// <summary>
    /// One district day, same world and total fleet three ways: our dispatcher planning the district with shared
    /// couriers, our dispatcher per market, and the per-market baseline. <c>courier_km</c> includes the district
    /// couriers' ride home after the day (<c>home_km</c>); the per-market runs do not ride home, so
    /// <c>per_market_home_km</c> is the ride they would add, and <c>shared_km_saving_pct</c> compares like with like:
    /// <c>(per_market_courier_km + per_market_home_km − courier_km) / (per_market_courier_km + per_market_home_km)</c>.
    /// </summary>
    public static string DistrictLine(World world, string district, int seed, RunResult shared, RunResult? perMarket, RunResult? baseline)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(shared);
        var d = shared.Kpis;
        var p = perMarket?.Kpis;
        var b = baseline?.Kpis;
        var fleet = world.Couriers.Count;
        var perMarketHome = perMarket is null ? double.NaN : HomeLeftKm(perMarket, world);
        var perMarketTotal = (p?.CourierKm ?? double.NaN) + perMarketHome;
        var saving = perMarketTotal > 0 ? 100.0 * (perMarketTotal - d.CourierKm) / perMarketTotal : double.NaN;
        return string.Create(CultureInfo.InvariantCulture,
            $"DISTRICT district={district} seed={seed} fleet={fleet} orders={d.Orders}")
            + $" on_time_pct={F(d.OnTimePct, "0.00")}"
            + $" per_market_on_time_pct={F(p?.OnTimePct ?? double.NaN, "0.00")}"
            + $" baseline_on_time_pct={F(b?.OnTimePct ?? double.NaN, "0.00")}"
            + $" courier_km={F(d.CourierKm)}"
            + $" per_market_courier_km={F(p?.CourierKm ?? double.NaN)}"
            + $" baseline_courier_km={F(b?.CourierKm ?? double.NaN)}"
            + $" home_km={F(shared.Couriers.Sum(c => c.HomeMetres) / 1000.0)}"
            + $" per_market_home_km={F(perMarketHome)}"
            + $" shared_km_saving_pct={F(saving)}"
            + string.Create(CultureInfo.InvariantCulture, $" shared_couriers={SharedCouriers(shared)}");
    }

    public static string KpiLine(RunResult? dispatcher, RunResult? baseline)
    {
        var d = dispatcher?.Kpis;
        var b = baseline?.Kpis;
        return "KPI"
            + $" on_time_pct={F(d?.OnTimePct ?? double.NaN, "0.00")}"
            + $" km_per_order={F(d?.KmPerOrder ?? double.NaN, "0.000")}"
            + $" baseline_on_time_pct={F(b?.OnTimePct ?? double.NaN, "0.00")}"
            + $" baseline_km_per_order={F(b?.KmPerOrder ?? double.NaN, "0.000")}"
            + $" improvement_pct={F(ImprovementPct(dispatcher, baseline), "0.0")}"
            + $" solve_p95_ms={F(d?.SolveP95Ms ?? double.NaN, "0")}";
    }
}
