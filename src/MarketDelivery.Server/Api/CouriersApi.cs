using System.Collections.Immutable;
using System.Text.Json;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Markets;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace MarketDelivery.Server.Api;

public sealed record RegisterCourierRequest(
    string Name, string District, TravelMode Mode, int CapacityGrams, int CapacityBags,
    IReadOnlyList<string> MarketIds, IReadOnlyList<string>? Skills);

public sealed record StartShiftRequest(DateTimeOffset PlannedEnd);

public sealed record PositionRequest(double Lat, double Lon);

public sealed record ArrivedRequest(string MarketId);

public sealed record PickUpRequest(IReadOnlyList<string> OrderIds);

public sealed record DeliveredRequest(string OrderId, string? DeliveryCode, string? PhotoRef);

public sealed record DeliveryFailedRequest(string OrderId, string? Reason);

/// <summary>The courier's phone: shift, position, arrival, pick-up, delivery with proof, failed delivery, route.</summary>
public static class CouriersApi
{
    private const int MaxIdLength = 100;

    public static void MapCouriersApi(this IEndpointRouteBuilder app)
    {
        var couriers = app.MapGroup("/api/couriers/{courierId}").WithTags("Couriers");

        couriers.MapPut("/", async Task<Results<Ok<CourierView>, ProblemHttpResult>> (string courierId, RegisterCourierRequest body, MarketCatalog catalog, IGrainFactory grains) =>
            {
                if (InvalidId(courierId) is { } bad)
                {
                    return bad;
                }

                var unknown = (body.MarketIds ?? []).Where(m => catalog.FindMarket(m) is null).ToList();
                if (unknown.Count > 0)
                {
                    return Problems.Invalid("marketIds", $"Unknown market(s): {string.Join(", ", unknown)}.");
                }

                var profile = new CourierProfile(body.Name, body.District, body.Mode, body.CapacityGrams, body.CapacityBags,
                    [.. body.MarketIds ?? []], [.. body.Skills ?? []]);
                return Answer(await Courier(grains, courierId).Register(profile));
            })
            .WithSummary("Registers or updates a courier: vehicle, capacities, the markets served (the first one dispatches them).");

        couriers.MapGet("/", async Task<Results<Ok<CourierView>, ProblemHttpResult>> (string courierId, IGrainFactory grains) =>
                await Courier(grains, courierId).GetView() is { } view ? TypedResults.Ok(view) : Problems.NotFound($"There is no courier '{courierId}'."))
            .WithSummary("The courier: shift, position, orders on board and the planned route (next stop first).");

        couriers.MapGet("/route.geojson", async Task<IResult> (string courierId, IGrainFactory grains) =>
                await Courier(grains, courierId).GetView() is { } view
                    ? Results.Text(RouteGeoJson(view), "application/geo+json")
                    : Problems.NotFound($"There is no courier '{courierId}'."))
            .WithSummary("The planned route as a GeoJSON FeatureCollection: a LineString from the courier's position through every stop, and a Point per stop.");

        couriers.MapPost("/shift/start", async (string courierId, StartShiftRequest body, IGrainFactory grains) =>
                Answer(await Courier(grains, courierId).StartShift(body.PlannedEnd)))
            .WithSummary("Starts a shift until the planned end.");

        couriers.MapPost("/shift/end", async (string courierId, IGrainFactory grains) =>
                Answer(await Courier(grains, courierId).EndShift()))
            .WithSummary("Ends the shift; unstarted stops are re-planned onto other couriers. 409 while orders are on board.");

        couriers.MapPost("/position", async (string courierId, PositionRequest body, IGrainFactory grains) =>
                Answer(await Courier(grains, courierId).UpdatePosition(new GeoPosition(body.Lat, body.Lon))))
            .WithSummary("Reports the courier's position; a courier falling behind the plan triggers a re-plan.");

        couriers.MapPost("/arrived", async (string courierId, ArrivedRequest body, IGrainFactory grains) =>
                Answer(await Courier(grains, courierId).ArrivedAtHandOver(body.MarketId)))
            .WithSummary("The courier is at the market's hand-over point.");

        couriers.MapPost("/pickup", async (string courierId, PickUpRequest body, IGrainFactory grains) =>
                Answer(await Courier(grains, courierId).PickUp([.. body.OrderIds ?? []])))
            .WithSummary("The courier collected the bags of these orders; they are out for delivery.");

        couriers.MapPost("/delivered", async (string courierId, DeliveredRequest body, IGrainFactory grains) =>
                Answer(await Courier(grains, courierId).Deliver(body.OrderId, new DeliveryProof(body.DeliveryCode, body.PhotoRef))))
            .WithSummary("Hands an order over, with proof: the customer's delivery code or a photo reference.");

        couriers.MapPost("/failed", async (string courierId, DeliveryFailedRequest body, IGrainFactory grains) =>
                Answer(await Courier(grains, courierId).FailDelivery(body.OrderId, body.Reason ?? "")))
            .WithSummary("The customer could not be reached: the order returns to the market, where staff send it again or cancel it.");
    }

    private static ICourierGrain Courier(IGrainFactory grains, string courierId) => grains.GetGrain<ICourierGrain>(courierId);

    private static ProblemHttpResult? InvalidId(string courierId) =>
        courierId.Length > MaxIdLength || courierId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? Problems.Invalid("courierId", $"A courier id is 1 to {MaxIdLength} characters without spaces.")
            : null;

    private static Results<Ok<CourierView>, ProblemHttpResult> Answer(CommandResult<CourierView> result) =>
        result.Value is { } view ? TypedResults.Ok(view) : Problems.From(result.Error!);

    /// <summary>The route for a map: the path from the courier's position through the stops, and the stops themselves.</summary>
    public static string RouteGeoJson(CourierView courier)
    {
        var factory = NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory(4326);
        var stops = courier.Route?.Stops ?? [];
        var features = new FeatureCollection();
        var path = new List<Coordinate>();
        if (courier.Position is { } here)
        {
            path.Add(new Coordinate(here.Lon, here.Lat));
            features.Add(new Feature(factory.CreatePoint(path[0]), new AttributesTable { { "kind", "courier" }, { "courierId", courier.CourierId } }));
        }

        var seq = 0;
        foreach (var stop in stops)
        {
            var at = new Coordinate(stop.Location.Lon, stop.Location.Lat);
            path.Add(at);
            features.Add(new Feature(factory.CreatePoint(at), new AttributesTable
            {
                { "seq", ++seq },
                { "kind", stop.Kind == RouteStopKind.Pickup ? "pickup" : "delivery" },
                { "orderId", stop.OrderId },
                { "eta", stop.Eta.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
                { "latenessMinutes", stop.LatenessMinutes },
            }));
        }

        if (path.Count >= 2)
        {
            features.Insert(0, new Feature(factory.CreateLineString([.. path]), new AttributesTable
            {
                { "kind", "route" },
                { "courierId", courier.CourierId },
                { "distanceMetres", Math.Round(courier.Route?.DistanceMetres ?? 0) },
            }));
        }

        var json = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
        return JsonSerializer.Serialize(features, json);
    }
}
