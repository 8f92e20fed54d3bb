using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MarketDelivery.Server.Api;

/// <summary>The body of <c>POST /api/orders</c>. Prices are not part of it: the catalogue sets them.</summary>
public sealed record PlaceOrderRequest(
    string CustomerId,
    string MarketId,
    DeliveryAddress DeliveryAddress,
    string SlotId,
    IReadOnlyList<OrderLineRequest> Lines);

public sealed record CancelOrderRequest(string? Reason);

/// <summary>Placing, reading and cancelling customer orders.</summary>
public static class OrdersApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyLength = 200;

    public static void MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders");

        orders.MapPost("/", PlaceOrder)
            .WithSummary("Places an order; it is split into one pick ticket per stall. 201 only after the order is stored.")
            .WithDescription("Send an Idempotency-Key header to make retries safe: the same key and body return the same order (201 with Idempotent-Replayed: true); the same key with another body is a 422.");

        orders.MapGet("/{orderId}", async Task<Results<Ok<OrderView>, ProblemHttpResult>> (string orderId, IGrainFactory grains) =>
                OrderIds.LooksLikeOrderId(orderId) && await grains.GetGrain<IOrderGrain>(orderId).GetView() is { } view
                    ? TypedResults.Ok(view)
                    : Problems.NotFound($"There is no order '{orderId}'."))
            .WithSummary("The order: status, lines with pick results, totals and refund in won.");

        orders.MapPost("/{orderId}/cancel", async Task<Results<Ok<OrderView>, ProblemHttpResult>> (string orderId, CancelOrderRequest? body, IGrainFactory grains) =>
            {
                if (!OrderIds.LooksLikeOrderId(orderId))
                {
                    return Problems.NotFound($"There is no order '{orderId}'.");
                }

                var result = await grains.GetGrain<IOrderGrain>(orderId).Cancel(body?.Reason ?? "Cancelled by the customer.");
                return result.Value is { } view ? TypedResults.Ok(view) : Problems.From(result.Error!);
            })
            .WithSummary("Cancels an order that has not left the market yet; 409 once it has.");

        orders.MapPost("/{orderId}/requeue", async Task<Results<Ok<OrderView>, ProblemHttpResult>> (string orderId, IGrainFactory grains) =>
            {
                if (!OrderIds.LooksLikeOrderId(orderId))
                {
                    return Problems.NotFound($"There is no order '{orderId}'.");
                }

                var result = await grains.GetGrain<IOrderGrain>(orderId).Requeue();
                return result.Value is { } view ? TypedResults.Ok(view) : Problems.From(result.Error!);
            })
            .WithSummary("Market staff send an order returned after a failed delivery out again; it is planned anew.");
    }

    private static async Task<Results<Created<OrderView>, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest body,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        IGrainFactory grains,
        HttpContext http)
    {
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength || idempotencyKey.Any(char.IsControl)))
        {
            return Problems.Invalid(IdempotencyKeyHeader, $"The {IdempotencyKeyHeader} header must be 1 to {MaxIdempotencyKeyLength} printable characters.");
        }

        var command = new PlaceOrder(
            body.CustomerId, body.MarketId, body.DeliveryAddress, body.SlotId,
            body.Lines is null ? [] : [.. body.Lines], idempotencyKey);

        // With a key the order id is derived from it, so a retry lands on the same grain and finds the order there.
        var orderId = idempotencyKey is null || string.IsNullOrWhiteSpace(body.CustomerId)
            ? OrderIds.NewRandom()
            : OrderIds.FromIdempotencyKey(body.CustomerId, idempotencyKey);

        var result = await grains.GetGrain<IOrderGrain>(orderId).Place(command);
        if (result.Value is not { } placed)
        {
            return Problems.From(result.Error!);
        }

        if (placed.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Created($"/api/orders/{placed.Order.OrderId}", placed.Order);
    }
}
