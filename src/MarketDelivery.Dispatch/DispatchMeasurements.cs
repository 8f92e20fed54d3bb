using System.Diagnostics;
using System.Globalization;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Dispatch;

/// <summary>How long a full wave plan took and how good it is.</summary>
public sealed record WaveMeasurement(
    int Orders,
    int Couriers,
    TimeSpan Elapsed,
    int Assigned,
    int Late,
    int CouriersUsed,
    double DistanceMetres,
    bool Feasible);

/// <summary>Latencies of inserting one new order into a live plan, each trial from the same live plan.</summary>
public sealed record InsertionMeasurement(
    IReadOnlyList<TimeSpan> Latencies,
    TimeSpan Median,
    TimeSpan P95,
    TimeSpan Max,
    int Inserted,
    int Feasible,
    int KeptPreviousRoutes);

/// <summary>
/// Synthetic waves and timing helpers for the simulator and for the figures in the README. No console, no
/// assertions: callers decide what to print. Times are wall-clock on whatever machine runs them.
/// </summary>
public static class DispatchMeasurements
{
    /// <summary>
    /// A wave around <paramref name="market"/>: <paramref name="orders"/> orders ready at the hand-over point within the next
    /// 30 minutes, customers uniformly within <paramref name="radiusMetres"/>, all in one two-hour window starting 45 minutes
    /// after <paramref name="now"/>; <paramref name="couriers"/> couriers (three scooters to one bicycle) waiting near the market.
    /// </summary>
    public static DispatchSnapshot SyntheticWave(GeoPoint market, int orders, int couriers, DateTimeOffset now, int seed = 1,
        double radiusMetres = 2_500, TimeSpan? window = null)
    {
        var rng = new Random(seed);
        var slotStart = now + TimeSpan.FromMinutes(45);
        var slotEnd = slotStart + (window ?? TimeSpan.FromHours(2));
        var list = new List<DispatchOrder>(orders);
        for (var i = 0; i < orders; i++)
        {
            list.Add(RandomOrder(rng, "o" + i.ToString("D3", CultureInfo.InvariantCulture), market, now, slotStart, slotEnd, radiusMetres));
        }
        var fleet = new List<DispatchCourier>(couriers);
        for (var c = 0; c < couriers; c++)
        {
            var bicycle = c % 4 == 3;
            fleet.Add(new DispatchCourier("c" + c.ToString("D2", CultureInfo.InvariantCulture), bicycle ? TravelMode.Bicycle : TravelMode.Scooter,
                bicycle ? 15_000 : 30_000, bicycle ? 4 : 8, now - TimeSpan.FromHours(1), now + TimeSpan.FromHours(5),
                Offset(market, rng.NextDouble() * 300, rng.NextDouble() * 2 * Math.PI), []));
        }
        return new DispatchSnapshot(now, list, fleet);
    }

    /// <summary>One order like those of <see cref="SyntheticWave"/>.</summary>
    public static DispatchOrder RandomOrder(Random rng, string orderId, GeoPoint market, DateTimeOffset now, DateTimeOffset slotStart,
        DateTimeOffset slotEnd, double radiusMetres = 2_500)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var distance = radiusMetres * Math.Sqrt(rng.NextDouble());
        var destination = Offset(market, distance, rng.NextDouble() * 2 * Math.PI);
        var ready = now + TimeSpan.FromMinutes(rng.Next(0, 31));
        var weight = 1_000 + rng.Next(0, 5_000);
        var bags = 1 + rng.Next(0, 2);
        return new DispatchOrder(orderId, "market", market, destination, slotStart, slotEnd, ready, weight, bags,
            DispatchOrderState.ReadyAtMarket);
    }

    /// <summary>Plans a snapshot once and reports time and quality.</summary>
    public static WaveMeasurement MeasureWave(DispatchPlanner planner, DispatchSnapshot wave, DispatchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(wave);
        var clock = Stopwatch.StartNew();
        var plan = planner.Plan(wave, settings);
        clock.Stop();
        var deliveries = plan.Routes.SelectMany(r => r.Stops).Where(s => s.Kind == PlannedStopKind.Delivery).ToList();
        return new WaveMeasurement(wave.Orders.Count, wave.Couriers.Count, clock.Elapsed, deliveries.Count,
            deliveries.Count(s => s.Lateness > TimeSpan.Zero), plan.Routes.Count(r => r.Stops.Count > 0),
            plan.Routes.Sum(r => r.DistanceMetres), plan.IsFeasible);
    }

    /// <summary>
    /// <paramref name="trials"/> times: one new random order (same slot as the live plan's orders) is added to
    /// <paramref name="live"/>'s snapshot and planned with <see cref="DispatchPlanner.PlanIncremental"/> against
    /// <paramref name="livePlan"/>. The first <paramref name="warmup"/> trials are not counted.
    /// </summary>
    public static InsertionMeasurement MeasureInsertions(DispatchPlanner planner, DispatchSnapshot live, DispatchPlan livePlan,
        DispatchSettings settings, int trials = 40, int warmup = 3, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(live);
        var rng = new Random(seed);
        var template = live.Orders[0];
        var latencies = new List<TimeSpan>();
        int inserted = 0, feasible = 0, kept = 0;
        for (var t = 0; t < trials + warmup; t++)
        {
            var order = RandomOrder(rng, "new" + t.ToString(CultureInfo.InvariantCulture), template.HandOver, live.Now, template.WindowStart,
                template.WindowEnd);
            var snapshot = live with { Orders = [.. live.Orders, order], Previous = livePlan };
            var clock = Stopwatch.StartNew();
            var solution = planner.Solve(snapshot, settings, settings.IncrementalTimeLimit, insertOnly: true);
            clock.Stop();
            if (t < warmup)
            {
                continue;
            }
            latencies.Add(clock.Elapsed);
            inserted += solution.Plan.EtaOf(order.OrderId) is null ? 0 : 1;
            feasible += solution.Plan.IsFeasible ? 1 : 0;
            kept += solution.KeptPreviousRoutes ? 1 : 0;
        }
        var sorted = latencies.Order().ToList();
        TimeSpan Pct(double p) => sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        return new InsertionMeasurement(latencies, Pct(0.5), Pct(0.95), sorted.Count == 0 ? TimeSpan.Zero : sorted[^1], inserted, feasible, kept);
    }

    /// <summary>The point <paramref name="metres"/> away from <paramref name="from"/> on <paramref name="bearing"/> (radians, flat-earth approximation).</summary>
    public static GeoPoint Offset(GeoPoint from, double metres, double bearing)
    {
        ArgumentNullException.ThrowIfNull(from);
        const double MetresPerDegree = 111_320;
        var dLat = metres * Math.Cos(bearing) / MetresPerDegree;
        var dLon = metres * Math.Sin(bearing) / (MetresPerDegree * Math.Cos(from.Lat * Math.PI / 180));
        return new GeoPoint(from.Lat + dLat, from.Lon + dLon);
    }
}
