using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Grains.Stalls;
using Microsoft.AspNetCore.Http.HttpResults;
using MarketDelivery.Server.Auth;

namespace MarketDelivery.Server.Api;

/// <summary>The body of a product's availability: <c>available</c> is required; <c>stock</c> omitted means not counted.</summary>
public sealed record ProductAvailabilityRequest(bool? Available, int? Stock);

/// <summary>A merchant says what can be ordered from their stall right now.</summary>
public static class StockApi
{
    public static void MapStockApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/stalls/{stallId}/products/{sku}/availability", async Task<Results<Ok<ProductState>, ProblemHttpResult>> (
                string stallId, string sku, ProductAvailabilityRequest body, MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("stallId", stallId).Id("sku", sku).Problem is { } bad)
                {
                    return bad;
                }

                if (catalog.FindStall(stallId) is not { Stall: var stall })
                {
                    return Problems.NotFound($"There is no stall '{stallId}'.");
                }

                if (stall.FindProduct(sku) is null)
                {
                    return Problems.NotFound($"Stall {stall.Name} has no product '{sku}'.");
                }

                if (body.Available is not { } available)
                {
                    return Problems.Invalid("available", "Say whether the product can be ordered: available true or false.");
                }

                if (body.Stock is < 0 or > StallStockGrain.MaxStock)
                {
                    return Problems.Invalid("stock", $"The stock must be between 0 and {StallStockGrain.MaxStock}.");
                }

                // Setting the same state again changes nothing, so the server may retry it through a failover.
                var result = await calls.Run(() => grains.GetGrain<IStallStockGrain>(stallId).SetAvailability(sku, available, body.Stock), aborted);
                return result.Value is { } product ? TypedResults.Ok(product) : Problems.From(result.Error!);
            })
            .WithTags("Stalls")
            .Rule(AuthPolicies.MerchantOfStall, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("A merchant of the stall sets whether a product of the stall can be ordered now, and optionally its stock (omitted: not counted). Takes effect at once for the catalogue and new orders; pushed as a 'product' event to the stall and its market.");
    }
}
