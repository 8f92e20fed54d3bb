using System.Text.Json;
using System.Text.Json.Serialization;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace MarketDelivery.Routing.Json;

/// <summary>
/// The JSON format of problems and plans (documented in this project's README): camelCase
/// properties, enums as camelCase strings, nulls omitted; route lines as GeoJSON.
/// </summary>
public static class RoutingJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            RespectNullableAnnotations = true,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        o.Converters.Add(new GeoJsonConverterFactory());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    public static RoutingProblem ReadProblem(string json)
    {
        var problem = JsonSerializer.Deserialize<RoutingProblem>(json, Options)
            ?? throw new JsonException("The document is empty.");
        return problem with
        {
            Jobs = problem.Jobs ?? [],
            Shipments = problem.Shipments ?? [],
        };
    }

    public static string WriteProblem(RoutingProblem problem) => JsonSerializer.Serialize(problem, Options);

    public static string WritePlan(RoutingPlan plan) => JsonSerializer.Serialize(plan, Options);

    public static RoutingPlan ReadPlan(string json) =>
        JsonSerializer.Deserialize<RoutingPlan>(json, Options) ?? throw new JsonException("The document is empty.");

    /// <summary>
    /// GeoJSON for a map: per route a straight-line LineString through its stops (the road geometry
    /// is not known to the solver) with the vehicle id, distance and duration, and a Point per stop
    /// with its sequence, type, job id and times.
    /// </summary>
    public static FeatureCollection RouteLines(RoutingProblem problem, RoutingPlan plan)
    {
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        var byId = problem.Locations.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var features = new FeatureCollection();
        foreach (var r in plan.Routes)
        {
            var coords = r.Stops.Select(s => byId[s.LocationId]).Select(l => new Coordinate(l.Longitude, l.Latitude)).ToList();
            if (coords.Count == 1)
            {
                coords.Add(coords[0]);
            }
            var line = factory.CreateLineString(coords.ToArray());
            var attributes = new AttributesTable
            {
                { "vehicleId", r.VehicleId },
                { "distance", r.Distance },
                { "duration", r.Duration },
                { "stops", r.Stops.Count },
            };
            features.Add(new Feature(line, attributes));
            for (var i = 0; i < r.Stops.Count; i++)
            {
                var stop = r.Stops[i];
                var at = byId[stop.LocationId];
                var props = new AttributesTable
                {
                    { "vehicleId", r.VehicleId },
                    { "sequence", i },
                    { "type", JsonNamingPolicy.CamelCase.ConvertName(stop.Type.ToString()) },
                    { "arrival", stop.Arrival },
                    { "serviceStart", stop.ServiceStart },
                    { "latenessSeconds", stop.LatenessSeconds },
                };
                if (stop.JobId is not null)
                {
                    props.Add("jobId", stop.JobId);
                }
                features.Add(new Feature(factory.CreatePoint(new Coordinate(at.Longitude, at.Latitude)), props));
            }
        }
        return features;
    }

    public static string WriteRouteLines(RoutingProblem problem, RoutingPlan plan) =>
        JsonSerializer.Serialize(RouteLines(problem, plan), Options);
}
