using MarketDelivery.Domain.Markets;
using NetTopologySuite.Geometries;

namespace MarketDelivery.Domain.Tests.Markets;

/// <summary>Markets built in code, independent of the seed files.</summary>
internal static class TestMarkets
{
    public static readonly TimeSpan Kst = TimeSpan.FromHours(9);

    /// <summary>
    /// A market open 09:00–21:00 (Asia/Seoul) with slots 11–13, 13–15, 15–17, 17–19, 19–21, each cut off an hour
    /// before it starts, serving the rectangle lon 10..20, lat 0..5 (wide rather than tall, so swapping
    /// latitude and longitude changes the answer).
    /// </summary>
    public static Market Create(TimeZoneInfo? zone = null)
    {
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        var area = factory.CreatePolygon(
        [
            new Coordinate(10, 0), new Coordinate(20, 0), new Coordinate(20, 5), new Coordinate(10, 5), new Coordinate(10, 0),
        ]);
        var slots = new[] { 11, 13, 15, 17, 19 }
            .Select(h => new DeliverySlotTemplate($"{h}00", new TimeOnly(h, 0), new TimeOnly(h + 2, 0), new TimeOnly(h - 1, 0)))
            .ToList();
        var stall = new Stall("test-chaeso", "test", "테스트야채", "채소",
        [
            new Product("daepa", "대파", "1단", 2500, 700, true, null),
            new Product("jjokpa", "쪽파", "1단", 3500, 500, false, 0),
        ]);
        return new Market(
            "test", "테스트시장", "테스트구", "서울특별시 테스트구",
            new GeoPoint(2.5, 15), new HandOverPoint(new GeoPoint(2.5, 15.001), "정문"),
            area, zone ?? MarketTimeZones.Seoul, new OpeningHours(new TimeOnly(9, 0), new TimeOnly(21, 0)),
            slots, [stall]);
    }

    /// <summary>Wall-clock time in Seoul on 2026-11-23 (a Monday).</summary>
    public static DateTimeOffset Seoul(int hour, int minute = 0, int day = 23) => new(2026, 11, day, hour, minute, 0, Kst);
}
