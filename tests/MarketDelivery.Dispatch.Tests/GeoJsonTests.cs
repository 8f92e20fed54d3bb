using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

public class GeoJsonTests
{
    [Fact]
    public void A_route_parses_back_with_a_line_and_a_point_per_stop()
    {
        var orders = Wave(6, seed: 8);
        var start = DispatchMeasurements.Offset(Market, 200, 1);
        var plan = new DispatchPlanner().Plan(new DispatchSnapshot(Now, orders, [Courier("c1", at: start)]), Fast(0.3));
        var route = plan.Routes.Single();
        Assert.Equal(12, route.Stops.Count);

        var json = RouteGeoJson.ToFeatureCollection(route, start);
        var features = JsonSerializer.Deserialize<FeatureCollection>(json, RouteGeoJson.SerializerOptions);

        Assert.NotNull(features);
        var line = Assert.IsType<LineString>(Assert.Single(features, f => f.Geometry is LineString).Geometry);
        Assert.Equal(route.Stops.Count + 1, line.NumPoints);
        Assert.Equal(start.Lon, line.StartPoint.X, 9);
        Assert.Equal(start.Lat, line.StartPoint.Y, 9);
        var points = features.Where(f => f.Geometry is Point).ToList();
        Assert.Equal(route.Stops.Count + 1, points.Count);
        Assert.Equal("start", points[0].Attributes["kind"]);
        for (var i = 0; i < route.Stops.Count; i++)
        {
            var f = points[i + 1];
            var stop = route.Stops[i];
            Assert.Equal(stop.Kind == PlannedStopKind.Pickup ? "pickup" : "delivery", f.Attributes["kind"]);
            Assert.Equal(stop.OrderId, f.Attributes["orderId"]);
            Assert.Equal(stop.ServiceStart, DateTimeOffset.Parse((string)f.Attributes["eta"], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(1));
            Assert.Equal(stop.Location.Lon, ((Point)f.Geometry).X, 9);
            Assert.Equal(stop.Location.Lat, ((Point)f.Geometry).Y, 9);
        }
    }

    [Fact]
    public void An_empty_route_is_just_its_start()
    {
        var json = RouteGeoJson.ToFeatureCollection(new CourierRoute("idle", [], 0, Now), Market);
        var features = JsonSerializer.Deserialize<FeatureCollection>(json, RouteGeoJson.SerializerOptions);
        var only = Assert.Single(features!);
        Assert.IsType<Point>(only.Geometry);
    }
}
