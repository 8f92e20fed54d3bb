using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain.Markets;
using System.Security.Claims;
using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

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
    public static void MapCouriersApi(this IEndpointRouteBuilder app)
    {
        var couriers = app.MapGroup("/api/couriers/{courierId}").WithTags("Couriers");

        couriers.MapPut("/", async Task<Results<Ok<CourierView>, ProblemHttpResult>> (string courierId, RegisterCourierRequest body, ClaimsPrincipal user, MarketCatalog catalog, IGrainFactory grains) =>
            {
                var check = Check(courierId)
                    .Text("name", body.Name)
                    .Text("district", body.District)
                    .Ids("marketIds", body.MarketIds, required: false)
                    .Ids("skills", body.Skills, required: false);
                if (check.Problem is { } bad)
                {
                    return bad;
                }

                var unknown = (body.MarketIds ?? []).Where(m => catalog.FindMarket(m) is null).ToList();
                if (unknown.Count > 0)
                {
                    return Problems.Invalid("marketIds", $"Unknown market(s): {string.Join(", ", unknown)}.");
                }

                // Staff manage the couriers of their own markets only: every market named must be one of theirs.
                var staffOf = AuthPolicies.Scopes(user, AuthClaims.Market);
                var foreign = (body.MarketIds ?? []).Where(m => !staffOf.Contains(m)).ToList();
                if (!AuthPolicies.IsAdmin(user) && foreign.Count > 0)
                {
                    return TypedResults.Problem(
                        $"Only staff of {string.Join(", ", foreign)} (or an admin) may assign couriers to {(foreign.Count == 1 ? "it" : "them")}: " +
                        "staff register couriers for their own markets only, and a courier of a district's several markets " +
                        "is registered by an admin or by staff of all of them.",
                        statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.");
                }

                var profile = new CourierProfile(body.Name, body.District, body.Mode, body.CapacityGrams, body.CapacityBags,
                    [.. body.MarketIds ?? []], [.. body.Skills ?? []]);
                return Answer(await Courier(grains, courierId).Register(profile));
            })
            .Rule(AuthPolicies.StaffOfCourier, StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Market staff (of every market named, and of one the courier already serves) register or update a courier: vehicle, capacities, " +
                         "the markets served, all in one district (422 otherwise), whose dispatcher plans them; the first is their home market.");

        couriers.MapGet("/", async Task<Results<Ok<CourierView>, ProblemHttpResult>> (string courierId, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (Check(courierId).Problem is { } bad)
                {
                    return bad;
                }

                return await calls.Run(() => Courier(grains, courierId).GetView(), aborted) is { } view
                    ? TypedResults.Ok(view)
                    : Problems.NotFound($"There is no courier '{courierId}'.");
            })
            .Rule(AuthPolicies.CourierOrStaff, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The courier, for themself or their markets' staff: shift, position, orders on board and the planned route (next stop first).");

        couriers.MapGet("/route.geojson", async Task<IResult> (string courierId, IGrainFactory grains, MarketCatalog catalog, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (Check(courierId).Problem is { } bad)
                {
                    return bad;
                }

                return await calls.Run(() => Courier(grains, courierId).GetView(), aborted) is { } view
                    ? Results.Text(RouteGeoJson(view, catalog), "application/geo+json")
                    : Problems.NotFound($"There is no courier '{courierId}'.");
            })
            .Rule(AuthPolicies.CourierOrStaff, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The planned route as a GeoJSON FeatureCollection: a LineString from the courier's position (or home market) through every stop, and a Point per stop.");

        couriers.MapPost("/shift/start", async (string courierId, StartShiftRequest body, IGrainFactory grains) =>
                Check(courierId).Problem ?? Answer(await Courier(grains, courierId).StartShift(body.PlannedEnd)))
            .Rule(AuthPolicies.CourierSelf, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Starts a shift until the planned end.");

        couriers.MapPost("/shift/end", async (string courierId, IGrainFactory grains) =>
                Check(courierId).Problem ?? Answer(await Courier(grains, courierId).EndShift()))
            .Rule(AuthPolicies.CourierSelf, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Ends the shift; unstarted stops are re-planned onto other couriers. 409 while orders are on board.");

        couriers.MapPost("/position", async (string courierId, PositionRequest body, IGrainFactory grains) =>
                Check(courierId).Problem ?? Answer(await Courier(grains, courierId).UpdatePosition(new GeoPosition(body.Lat, body.Lon))))
            .Rule(AuthPolicies.CourierSelf, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Reports the courier's position; a courier falling behind the plan triggers a re-plan.");

        couriers.MapPost("/arrived", async (string courierId, ArrivedRequest body, IGrainFactory grains) =>
                Check(courierId).Id("marketId", body.MarketId).Problem
                ?? Answer(await Courier(grains, courierId).ArrivedAtHandOver(body.MarketId)))
            .Rule(AuthPolicies.CourierSelf, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("The courier is at the market's hand-over point.");

        couriers.MapPost("/pickup", async (string courierId, PickUpRequest body, IGrainFactory grains) =>
                Check(courierId).Ids("orderIds", body.OrderIds).Problem
                ?? Answer(await Courier(grains, courierId).PickUp([.. body.OrderIds])))
            .Rule(AuthPolicies.CourierSelf, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("The courier collected the bags of these orders; they are out for delivery. Only orders assigned to this courier (409 otherwise).");

        couriers.MapPost("/delivered", async (string courierId, DeliveredRequest body, IGrainFactory grains, HttpResponse response) =>
            {
                if (Check(courierId).Id("orderId", body.OrderId).Text("deliveryCode", body.DeliveryCode).Text("photoRef", body.PhotoRef).Problem is { } bad)
                {
                    return bad;
                }

                var result = await Courier(grains, courierId).Deliver(body.OrderId, new DeliveryProof(body.DeliveryCode, body.PhotoRef));
                Problems.AddRetryAfter(response, result.Error);
                return Answer(result);
            })
            .Rule(AuthPolicies.CourierSelf, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .Limited(Authentication.DeliveryLimit)
            .WithSummary("Hands an order over, with proof: the customer's delivery code, or the photoId of a photo uploaded for the order " +
                         "(POST /api/couriers/{courierId}/orders/{orderId}/photo; any other photoRef is a 422). After 5 wrong codes " +
                         "(Couriers:MaxCodeAttempts) codes for the order are refused for 15 minutes (Couriers:CodeLockout) with 429 and " +
                         "Retry-After; a photo proof is still accepted. Only the courier carrying the order can deliver it (409 otherwise).");

        couriers.MapPost("/failed", async (string courierId, DeliveryFailedRequest body, IGrainFactory grains) =>
                Check(courierId).Id("orderId", body.OrderId).Text("reason", body.Reason).Problem
                ?? Answer(await Courier(grains, courierId).FailDelivery(body.OrderId, body.Reason ?? "")))
            .Rule(AuthPolicies.CourierSelf, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("The customer could not be reached: the order returns to the market, where staff send it again or cancel it. Only the courier carrying it (409 otherwise).");
    }

    private static ICourierGrain Courier(IGrainFactory grains, string courierId) => grains.GetGrain<ICourierGrain>(courierId);

    private static InputCheck Check(string courierId) => InputRules.Check().Id("courierId", courierId);

    private static Results<Ok<CourierView>, ProblemHttpResult> Answer(CommandResult<CourierView> result) =>
        result.Value is { } view ? TypedResults.Ok(view) : Problems.From(result.Error!);

    /// <summary>The route for a map, drawn by the dispatch library from where the courier is (or their home market).</summary>
    private static string RouteGeoJson(CourierView courier, MarketCatalog catalog)
    {
        var start = courier.Position is { } here
            ? new GeoPoint(here.Lat, here.Lon)
            : catalog.FindMarket(courier.Profile.MarketIds.FirstOrDefault() ?? "")?.HandOverPoint.Location ?? new GeoPoint(0, 0);
        var stops = (courier.Route?.Stops ?? []).Select(s => new PlannedStop(
            s.Kind == RouteStopKind.Pickup ? PlannedStopKind.Pickup : PlannedStopKind.Delivery,
            s.OrderId, new GeoPoint(s.Location.Lat, s.Location.Lon), s.Eta, s.Eta, s.Departure, TimeSpan.FromMinutes(s.LatenessMinutes))).ToList();
        var route = new CourierRoute(courier.CourierId, stops, courier.Route?.DistanceMetres ?? 0,
            stops.Count > 0 ? stops[^1].Departure : courier.Route?.PlannedAt ?? DateTimeOffset.MinValue);
        return MarketDelivery.Dispatch.RouteGeoJson.ToFeatureCollection(route, start);
    }
}
