using System.Globalization;
using System.Text.Json;
using MarketDelivery.Domain.Markets;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace MarketDelivery.Dispatch;

/// <summary>
/// A courier route as GeoJSON for maps: one LineString from the start through every stop (straight legs, no road
/// geometry), a Point for the start and a Point per stop. Coordinates are [longitude, latitude] (WGS84).
/// Properties: <c>courierId</c> and <c>kind</c> on every feature ("route", "start", "pickup", "delivery"), and on stops
/// <c>seq</c> (1-based), <c>orderId</c>, <c>eta</c> (service start, ISO 8601 with offset), <c>arrival</c>,
/// <c>departure</c> and <c>latenessMinutes</c>; the line has <c>distanceMetres</c> and <c>finishesAt</c>.
/// </summary>
public static class RouteGeoJson
{
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    /// <summary>Serializer options with the NetTopologySuite GeoJSON converters (also to read the text back).</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    public static FeatureCollection ToFeatures(CourierRoute route, GeoPoint start)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(start);
        var features = new FeatureCollection();
        var coordinates = new List<Coordinate> { Coord(start) };
        coordinates.AddRange(route.Stops.Select(s => Coord(s.Location)));
        if (coordinates.Count >= 2)
        {
            features.Add(new Feature(Wgs84.CreateLineString([.. coordinates]), new AttributesTable
            {
                { "kind", "route" },
                { "courierId", route.CourierId },
                { "distanceMetres", Math.Round(route.DistanceMetres, 1) },
                { "finishesAt", Iso(route.FinishesAt) },
            }));
        }
        features.Add(new Feature(Wgs84.CreatePoint(Coord(start)), new AttributesTable
        {
            { "kind", "start" },
            { "courierId", route.CourierId },
        }));
        for (var i = 0; i < route.Stops.Count; i++)
        {
            var s = route.Stops[i];
            features.Add(new Feature(Wgs84.CreatePoint(Coord(s.Location)), new AttributesTable
            {
                { "kind", s.Kind == PlannedStopKind.Pickup ? "pickup" : "delivery" },
                { "courierId", route.CourierId },
                { "seq", i + 1 },
                { "orderId", s.OrderId },
                { "eta", Iso(s.ServiceStart) },
                { "arrival", Iso(s.Arrival) },
                { "departure", Iso(s.Departure) },
                { "latenessMinutes", Math.Round(s.Lateness.TotalMinutes, 1) },
            }));
        }
        return features;
    }

    /// <summary>The route as GeoJSON text (a FeatureCollection).</summary>
    public static string ToFeatureCollection(CourierRoute route, GeoPoint start) =>
        JsonSerializer.Serialize(ToFeatures(route, start), SerializerOptions);

    private static Coordinate Coord(GeoPoint p) => new(p.Lon, p.Lat);

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(Wgs84));
        return options;
    }
}
