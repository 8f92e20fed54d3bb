using System.Globalization;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Dispatch;

/// <summary>A snapshot translated into a routing problem, with what is needed to translate the answer back.</summary>
internal sealed class BuiltProblem
{
    public required RoutingProblem Problem { get; init; }
    public required DateTimeOffset Epoch { get; init; }
    public required IReadOnlyDictionary<string, DispatchOrder> Orders { get; init; }
    public required IReadOnlyDictionary<string, DispatchCourier> Couriers { get; init; }
    public required IReadOnlyDictionary<string, GeoPoint> Points { get; init; }
    /// <summary>Orders not given to the solver at all (bad data), already explained.</summary>
    public required IReadOnlyList<UnassignedOrder> Rejected { get; init; }

    public double ToSeconds(DateTimeOffset t) => (t - Epoch).TotalSeconds;

    public DateTimeOffset ToTime(double seconds) => Epoch + TimeSpan.FromSeconds(seconds);
}

/// <summary>Turns a <see cref="DispatchSnapshot"/> into a <see cref="RoutingProblem"/> (without warm start).</summary>
internal static class ProblemBuilder
{
    public const string Grams = "grams";
    public const string Bags = "bags";

    public static string SkillOf(string courierId) => "courier:" + courierId;

    public static string MarketSkillOf(string marketId) => "market:" + marketId;

    public static BuiltProblem Build(DispatchSnapshot snapshot, DispatchSettings settings)
    {
        var epoch = ChooseEpoch(snapshot);
        double Sec(DateTimeOffset t) => (t - epoch).TotalSeconds;

        var points = new Dictionary<string, GeoPoint>(StringComparer.Ordinal);
        var locationOf = new Dictionary<GeoPoint, string>();
        var locations = new List<Location>();
        string Place(GeoPoint p)
        {
            if (!locationOf.TryGetValue(p, out var id))
            {
                id = "L" + locations.Count.ToString(CultureInfo.InvariantCulture);
                locationOf[p] = id;
                points[id] = p;
                locations.Add(new Location(id, p.Lon, p.Lat));
            }
            return id;
        }

        var couriers = new Dictionary<string, DispatchCourier>(StringComparer.Ordinal);
        foreach (var c in snapshot.Couriers)
        {
            if (!string.IsNullOrWhiteSpace(c.CourierId) && c.Position.IsValid && (c.EndAt is null || c.EndAt.IsValid))
            {
                couriers.TryAdd(c.CourierId, c);
            }
        }

        // Only when some courier cannot pick up at some market of the snapshot do pick-ups name their market as a skill;
        // otherwise (one market, or couriers serving them all) the problem is exactly the one-market problem.
        var marketsToServe = snapshot.Orders.Where(o => o.State != DispatchOrderState.OnBoard).Select(o => o.MarketId).ToHashSet(StringComparer.Ordinal);
        var bound = couriers.Values.Any(c => c.MarketIds is { } served && !marketsToServe.IsSubsetOf(served));

        // A minute inside a delivery's margin costs this share of a late minute, the same for every order.
        var marginCost = settings.LatenessCostPerMinute * Math.Max(0, settings.DeliveryMarginCostShare);
        var lateOrderCost = Math.Max(0, settings.LateOrderCost);
        var rejected = new List<UnassignedOrder>();
        var orders = new Dictionary<string, DispatchOrder>(StringComparer.Ordinal);
        var jobs = new List<Job>();
        var shipments = new List<Shipment>();
        var onBoardLoad = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var o in snapshot.Orders)
        {
            var problem = Reject(o, orders);
            if (problem is not null)
            {
                rejected.Add(new UnassignedOrder(o.OrderId, "Order data is invalid", problem));
                continue;
            }
            orders[o.OrderId] = o;
            long[] amount = [o.WeightGrams, o.Bags];
            var windowStart = Sec(o.WindowStart);
            var windowEnd = Sec(o.WindowEnd);
            var margin = MarginOf(o, settings).TotalSeconds;
            if (o.State == DispatchOrderState.OnBoard)
            {
                // The goods are with the courier: delivered whatever happens, so lateness is unbounded (and reported).
                var delivery = new Visit(Place(o.Destination), settings.DeliveryService.TotalSeconds, new TimeWindow(windowStart, windowEnd),
                    WindowPolicy.Soft, settings.LatenessCostPerMinute, MaxLatenessSeconds: null, margin, marginCost, lateOrderCost);
                var courierId = o.CourierId ?? string.Empty;
                jobs.Add(new Job(o.OrderId, delivery, amount, [SkillOf(courierId)]));
                if (!onBoardLoad.TryGetValue(courierId, out var load))
                {
                    load = new long[2];
                    onBoardLoad[courierId] = load;
                }
                load[0] += o.WeightGrams;
                load[1] += o.Bags;
            }
            else
            {
                var ready = Sec(o.ReadyAt);
                var pickup = new Visit(Place(o.HandOver), settings.PickupService.TotalSeconds, new TimeWindow(ready, double.MaxValue));
                var delivery = new Visit(Place(o.Destination), settings.DeliveryService.TotalSeconds, new TimeWindow(windowStart, windowEnd),
                    WindowPolicy.Soft, settings.LatenessCostPerMinute, settings.MaxLateness.TotalSeconds, margin, marginCost, lateOrderCost);
                shipments.Add(new Shipment(o.OrderId, pickup, delivery, amount, o.MaxRide?.TotalSeconds,
                    bound ? [MarketSkillOf(o.MarketId)] : null));
            }
        }

        var vehicles = new List<Vehicle>();
        var now = Sec(snapshot.Now);
        foreach (var c in couriers.Values)
        {
            var start = Math.Max(now, Sec(c.ShiftStart));
            var end = Math.Max(start, Sec(c.ShiftEnd));
            long[] capacity = [Math.Max(0, c.CapacityGrams), Math.Max(0, c.CapacityBags)];
            if (onBoardLoad.TryGetValue(c.CourierId, out var load))
            {
                // What a courier already carries fits by definition; never let bad capacity data strand it.
                capacity[0] = Math.Max(capacity[0], load[0]);
                capacity[1] = Math.Max(capacity[1], load[1]);
            }
            var costs = new VehicleCosts(Fixed: Math.Max(0, settings.UsedCourierCost), PerHour: 0, PerKm: 1000);
            IReadOnlyList<string> skills = bound
                ? [SkillOf(c.CourierId), .. (c.MarketIds ?? [.. marketsToServe]).Select(MarketSkillOf)]
                : [SkillOf(c.CourierId)];
            vehicles.Add(new Vehicle(c.CourierId, Place(c.Position), c.EndAt is null ? null : Place(c.EndAt), new TimeWindow(start, end),
                capacity, c.Mode, skills, costs));
        }

        var routing = new RoutingProblem([Grams, Bags], locations, vehicles, jobs, shipments);
        return new BuiltProblem
        {
            Problem = routing,
            Epoch = epoch,
            Orders = orders,
            Couriers = couriers,
            Points = points,
            Rejected = rejected,
        };
    }

    /// <summary>The slack kept before the order's window closes: <see cref="DispatchSettings.DeliveryMargin"/>, at most half the window.</summary>
    public static TimeSpan MarginOf(DispatchOrder o, DispatchSettings settings)
    {
        var margin = settings.DeliveryMargin > TimeSpan.Zero ? settings.DeliveryMargin : TimeSpan.Zero;
        var half = (o.WindowEnd - o.WindowStart) / 2;
        return margin < half ? margin : half;
    }

    private static string? Reject(DispatchOrder o, Dictionary<string, DispatchOrder> seen)
    {
        if (string.IsNullOrWhiteSpace(o.OrderId))
        {
            return "The order has no id.";
        }
        if (seen.ContainsKey(o.OrderId))
        {
            return "The order appears twice in the snapshot; the first one is planned.";
        }
        if (o.WeightGrams < 0 || o.Bags < 0)
        {
            return "Weight and bags must not be negative.";
        }
        if (o.WindowEnd < o.WindowStart)
        {
            return "The delivery window ends before it starts.";
        }
        if (!o.Destination.IsValid || (o.State != DispatchOrderState.OnBoard && !o.HandOver.IsValid))
        {
            return "The order has an invalid position.";
        }
        if (o.MaxRide is { } ride && ride <= TimeSpan.Zero)
        {
            return "The maximum ride time must be positive.";
        }
        return null;
    }

    /// <summary>
    /// Local midnight of <see cref="DispatchSnapshot.Now"/> (the service day), moved earlier to a whole hour if the snapshot
    /// holds an earlier time, so every time in the routing problem is a non-negative number of seconds.
    /// </summary>
    public static DateTimeOffset ChooseEpoch(DispatchSnapshot snapshot)
    {
        var now = snapshot.Now;
        var midnight = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, now.Offset);
        var earliest = midnight;
        foreach (var o in snapshot.Orders)
        {
            var t = Min(Min(o.WindowStart, o.WindowEnd), o.ReadyAt);
            earliest = Min(earliest, t);
        }
        if (earliest < midnight)
        {
            var e = earliest.ToOffset(now.Offset);
            earliest = new DateTimeOffset(e.Year, e.Month, e.Day, e.Hour, 0, 0, now.Offset);
        }
        return earliest;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
