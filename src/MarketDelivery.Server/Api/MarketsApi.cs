using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MarketDelivery.Server.Api;

public sealed record GeoPointDto(double Lat, double Lon);

public sealed record HandOverPointDto(double Lat, double Lon, string Description);

public sealed record SlotDto(string SlotId, DateOnly Date, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset Cutoff);

public sealed record MarketDto(
    string Id, string Name, string District, string Address, GeoPointDto Location, HandOverPointDto HandOverPoint,
    TimeOnly Opens, TimeOnly Closes, IReadOnlyList<SlotDto> Slots);

/// <summary>A product as it can be ordered now; <c>Version</c> is the merchant's last change (0: as seeded), as in <c>product</c> pushes.</summary>
public sealed record ProductDto(string Sku, string Name, string Unit, long PriceWon, int WeightGrams, bool Available, int? Stock, int Version = 0);

public sealed record StallDto(string Id, string Name, string Category, IReadOnlyList<ProductDto> Products);

public sealed record CatalogDto(string MarketId, string MarketName, IReadOnlyList<StallDto> Stalls);

/// <summary>Markets, their bookable delivery slots and their catalogues.</summary>
public static class MarketsApi
{
    public static void MapMarketsApi(this IEndpointRouteBuilder app)
    {
        var markets = app.MapGroup("/api/markets").WithTags("Markets");

        markets.MapGet("/", (MarketCatalog catalog, MarketClock clock) =>
                TypedResults.Ok(catalog.Markets.Select(m => ToDto(m, clock.GetUtcNow())).ToList()))
            .Public()
            .WithSummary("Markets with the delivery slots that can be booked now, for today and tomorrow.");

        markets.MapGet("/{marketId}/catalog", async Task<Results<Ok<CatalogDto>, ProblemHttpResult>> (
                string marketId, MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (Known(marketId, catalog) is { } bad)
                {
                    return bad;
                }

                // The merchants' availability and stock: one read per stall, answered from each stall's memory.
                var market = catalog.FindMarket(marketId)!;
                var products = await calls.Run(() => Task.WhenAll(market.Stalls.Select(s => grains.GetGrain<IStallStockGrain>(s.Id).GetProducts())), aborted);
                return TypedResults.Ok(new CatalogDto(market.Id, market.Name, [.. market.Stalls.Zip(products, ToDto)]));
            })
            .Public(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The market's stalls and their products with prices in won, availability and stock as their merchants set them.");

        markets.MapGet("/{marketId}/area.geojson", IResult (string marketId, MarketCatalog catalog) =>
                Known(marketId, catalog) ?? Results.Json(AreaFeature(catalog.FindMarket(marketId)!), contentType: "application/geo+json"))
            .Public(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The market's delivery area as a GeoJSON Feature (a Polygon), for maps.");

        markets.MapGet("/{marketId}/orders", async Task<Results<Ok<IReadOnlyList<OrderSummary>>, ProblemHttpResult>> (
                string marketId, string? slotId, MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if ((Known(marketId, catalog) ?? InputRules.Check().OptionalId("slotId", slotId).Problem) is { } bad)
                {
                    return bad;
                }

                return TypedResults.Ok<IReadOnlyList<OrderSummary>>(await calls.Run(() => grains.GetGrain<IMarketGrain>(marketId).GetOrders(slotId), aborted));
            })
            .Rule(AuthPolicies.StaffOfMarket, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The market's board of orders, for market staff; optionally one delivery slot.");

        markets.MapGet("/{marketId}/dispatch", async Task<Results<Ok<DispatchBoard>, ProblemHttpResult>> (
                string marketId, MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
                Known(marketId, catalog) is { } bad
                    ? bad
                    : TypedResults.Ok(await calls.Run(() => grains.GetGrain<IDispatcherGrain>(marketId).GetBoard(), aborted)))
            .Rule(AuthPolicies.StaffOfMarket, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The dispatch board, for market staff: waves and their release times, courier routes with ETAs, unassigned orders with reasons, re-plans.");

        markets.MapPost("/{marketId}/dispatch/plan", async Task<Results<Ok<DispatchBoard>, ProblemHttpResult>> (string marketId, MarketCatalog catalog, IGrainFactory grains) =>
                Known(marketId, catalog) is { } bad
                    ? bad
                    : TypedResults.Ok(await grains.GetGrain<IDispatcherGrain>(marketId).PlanNow()))
            .Rule(AuthPolicies.StaffOfMarket, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Limited(Authentication.PlanLimit)
            .WithSummary("Releases due waves and plans now (staff action).");
    }

    /// <summary>The service area as a GeoJSON Feature: the polygon's rings as [lon, lat] pairs.</summary>
    private static object AreaFeature(Market market) => new
    {
        type = "Feature",
        properties = new { marketId = market.Id, name = market.Name },
        geometry = new
        {
            type = "Polygon",
            coordinates = new[] { market.ServiceArea.ExteriorRing }
                .Concat(market.ServiceArea.InteriorRings)
                .Select(ring => ring.Coordinates.Select(c => new[] { c.X, c.Y }).ToArray())
                .ToArray(),
        },
    };

    /// <summary>A 400 for a malformed market id, a 404 for an unknown one, or null for a market of the catalogue.</summary>
    internal static ProblemHttpResult? Known(string marketId, MarketCatalog catalog) =>
        InputRules.Check().Id("marketId", marketId).Problem
        ?? (catalog.FindMarket(marketId) is null ? Problems.NotFound($"There is no market '{marketId}'.") : null);

    private static MarketDto ToDto(Market m, DateTimeOffset now) => new(
        m.Id, m.Name, m.District, m.Address,
        new GeoPointDto(m.Location.Lat, m.Location.Lon),
        new HandOverPointDto(m.HandOverPoint.Location.Lat, m.HandOverPoint.Location.Lon, m.HandOverPoint.Description),
        m.OpeningHours.Opens, m.OpeningHours.Closes,
        [.. m.BookableSlots(now).Select(s => new SlotDto(s.SlotId, s.Date, s.Start, s.End, s.Cutoff))]);

    private static StallDto ToDto(Stall s, System.Collections.Immutable.ImmutableArray<ProductState> products) => new(
        s.Id, s.Name, s.Category,
        [.. products.Select(p => new ProductDto(p.Sku, p.Name, p.Unit, p.PriceWon, p.WeightGrams, p.Available, p.Stock, p.Version))]);
}
