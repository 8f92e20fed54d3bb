using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>Snapshots around Mangwon market (Seoul) on a fixed morning, 11:00-13:00 slot.</summary>
internal static class Scenarios
{
    public static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    public static readonly GeoPoint Market = new(37.5563, 126.9067);
    public static readonly DateTimeOffset Now = new(2026, 5, 12, 10, 15, 0, Kst);
    public static readonly DateTimeOffset SlotStart = new(2026, 5, 12, 11, 0, 0, Kst);
    public static readonly DateTimeOffset SlotEnd = new(2026, 5, 12, 13, 0, 0, Kst);

    public static DispatchSettings Fast(double seconds = 0.6) => new() { SolveTimeLimit = TimeSpan.FromSeconds(seconds) };

    public static DispatchOrder Order(string id, double metres, double bearingDegrees, int weight = 3_000, int bags = 1,
        DateTimeOffset? ready = null, DispatchOrderState state = DispatchOrderState.ReadyAtMarket, string? courier = null,
        DateTimeOffset? windowStart = null, DateTimeOffset? windowEnd = null, TimeSpan? maxRide = null) =>
        new(id, "mangwon", Market, DispatchMeasurements.Offset(Market, metres, bearingDegrees * Math.PI / 180),
            windowStart ?? SlotStart, windowEnd ?? SlotEnd, ready ?? Now, weight, bags, state, courier, maxRide);

    public static DispatchCourier Courier(string id, int capacityGrams = 30_000, int capacityBags = 8, GeoPoint? at = null,
        IReadOnlyList<string>? onBoard = null, TravelMode mode = TravelMode.Scooter, DateTimeOffset? shiftEnd = null) =>
        new(id, mode, capacityGrams, capacityBags, Now - TimeSpan.FromHours(1), shiftEnd ?? Now + TimeSpan.FromHours(5), at ?? Market,
            onBoard ?? []);

    /// <summary><paramref name="count"/> orders spread around the market (deterministic), ready between now and 30 minutes from now.</summary>
    public static List<DispatchOrder> Wave(int count, int seed = 1, double radius = 2_500)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => Order("o" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), 300 + ((radius - 300) * Math.Sqrt(rng.NextDouble())),
                rng.NextDouble() * 360, weight: 1_000 + rng.Next(4_000), bags: 1 + rng.Next(2), ready: Now + TimeSpan.FromMinutes(rng.Next(31))))
            .ToList();
    }

    public static List<(PlannedStopKind Kind, string OrderId)> Sequence(DispatchPlan plan, string courierId) =>
        plan.Routes.Single(r => r.CourierId == courierId).Stops.Select(s => (s.Kind, s.OrderId)).ToList();

    public static string CourierOf(DispatchPlan plan, string orderId) =>
        plan.EtaOf(orderId)?.CourierId ?? throw new InvalidOperationException($"'{orderId}' is not planned.");

    public static void AssertSound(DispatchPlan plan)
    {
        Assert.True(plan.IsFeasible, string.Join(Environment.NewLine, plan.Violations));
    }
}
