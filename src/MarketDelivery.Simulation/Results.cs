using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Simulation;

/// <summary>What happened to one order in one run. Never lost: an order is delivered or has <see cref="DeliveredAt"/> null (unassigned at day end).</summary>
public sealed record OrderOutcome(
    string OrderId,
    string MarketId,
    DateTimeOffset PlacedAt,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    GeoPoint Destination,
    DateTimeOffset ReadyAt,
    DateTimeOffset? PickedUpAt,
    DateTimeOffset? DeliveredAt,
    string? CourierId,
    bool EverUnassigned)
{
    public bool Delivered => DeliveredAt is not null;

    public bool OnTime => DeliveredAt is { } d && d <= WindowEnd;

    public TimeSpan Lateness => DeliveredAt is { } d && d > WindowEnd ? d - WindowEnd : TimeSpan.Zero;
}

/// <summary>A stretch a courier actually rode (legs cut short by a re-plan are recorded up to the turn).</summary>
public sealed record LegRecord(GeoPoint From, GeoPoint To, DateTimeOffset Depart, DateTimeOffset Arrive, double Metres);

public enum SimStopKind
{
    Pickup,
    Delivery,
    /// <summary>Baseline only: ride back to the market's hand-over point.</summary>
    Return,
}

/// <summary>A stop a courier served: pickup or delivery, where and when.</summary>
public sealed record StopRecord(SimStopKind Kind, string OrderId, GeoPoint Location, DateTimeOffset At);

public sealed record BusyInterval(DateTimeOffset Start, DateTimeOffset End);

public sealed record CourierOutcome(
    string CourierId,
    string MarketId,
    TravelMode Mode,
    DateTimeOffset ShiftStart,
    DateTimeOffset ShiftEnd,
    double Metres,
    IReadOnlyList<BusyInterval> Busy,
    IReadOnlyList<LegRecord> Legs,
    IReadOnlyList<StopRecord> Stops,
    double HomeMetres = 0);

/// <summary>One call of the planner: why, how long it took (wall clock), and what came out.</summary>
public sealed record ReplanRecord(
    string MarketId,
    DateTimeOffset At,
    string Trigger,
    double SolveMs,
    int Orders,
    int Couriers,
    int Unassigned,
    bool Feasible,
    int PlannedLate = 0,
    int CouriersUsed = 0);

public sealed record RunResult(
    string Policy,
    IReadOnlyList<OrderOutcome> Orders,
    IReadOnlyList<CourierOutcome> Couriers,
    IReadOnlyList<ReplanRecord> Replans,
    string? Error)
{
    public Kpis Kpis => Kpis.Of(this);
}

/// <summary>The figures the issue asks for, for one run.</summary>
public sealed record Kpis(
    int Orders,
    int Delivered,
    int OnTime,
    int Unassigned,
    int EverUnassigned,
    double OnTimePct,
    double MeanLatenessMin,
    double P95LatenessMin,
    double MaxLatenessMin,
    double CourierKm,
    double KmPerOrder,
    double BusyCourierHours,
    double OrdersPerCourierHour,
    int Replans,
    double SolveP50Ms,
    double SolveP95Ms,
    double SolveMaxMs)
{
    public static Kpis Of(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var orders = run.Orders;
        var delivered = orders.Where(o => o.Delivered).ToList();
        var lateness = delivered.Select(o => o.Lateness.TotalMinutes).ToList();
        var km = run.Couriers.Sum(c => c.Metres) / 1000.0;
        var busyHours = run.Couriers.Sum(c => c.Busy.Sum(b => (b.End - b.Start).TotalHours));
        var solve = run.Replans.Select(r => r.SolveMs).ToList();
        return new Kpis(
            orders.Count,
            delivered.Count,
            orders.Count(o => o.OnTime),
            orders.Count - delivered.Count,
            orders.Count(o => o.EverUnassigned),
            orders.Count == 0 ? 0 : 100.0 * orders.Count(o => o.OnTime) / orders.Count,
            lateness.Count == 0 ? 0 : lateness.Average(),
            Percentile(lateness, 0.95),
            lateness.Count == 0 ? 0 : lateness.Max(),
            km,
            delivered.Count == 0 ? 0 : km / delivered.Count,
            busyHours,
            busyHours <= 0 ? 0 : delivered.Count / busyHours,
            run.Replans.Count,
            Percentile(solve, 0.50),
            Percentile(solve, 0.95),
            solve.Count == 0 ? 0 : solve.Max());
    }

    /// <summary>Nearest-rank percentile; 0 for an empty list.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.OrderBy(v => v).ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
