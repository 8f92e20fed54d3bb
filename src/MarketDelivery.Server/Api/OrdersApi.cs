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
            .WithDescription($"The {IdempotencyKeyHeader} header is required (1 to {MaxIdempotencyKeyLength} printable characters, " +
                             "a new one per order the customer means to place; a 400 without it), so a retry after a timeout can never make a second order: " +
                             "the same key and body return the same order (201 with Idempotent-Replayed: true); the same key with another body is a 422. " +
                             "During a failover the server retries for a few seconds itself; past that it answers 503 with Retry-After.");

        orders.MapGet("/{orderId}", async Task<Results<Ok<OrderView>, ProblemHttpResult>> (string orderId, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("orderId", orderId).Problem is { } bad)
                {
                    return bad;
                }

                return OrderIds.LooksLikeOrderId(orderId) && await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).GetView(), aborted) is { } view
                    ? TypedResults.Ok(view)
                    : Problems.NotFound($"There is no order '{orderId}'.");
            })
            .WithSummary("The order: status, lines with pick results, totals and refund in won.");

        orders.MapPost("/{orderId}/cancel", async Task<Results<Ok<OrderView>, ProblemHttpResult>> (string orderId, CancelOrderRequest? body, IGrainFactory grains) =>
            {
                if (InputRules.Check().Id("orderId", orderId).Text("reason", body?.Reason).Problem is { } bad)
                {
                    return bad;
                }

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
                if (InputRules.Check().Id("orderId", orderId).Problem is { } bad)
                {
                    return bad;
                }

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
        IdempotentCalls calls,
        HttpContext http)
    {
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return Problems.Invalid(IdempotencyKeyHeader,
                $"The {IdempotencyKeyHeader} header is required: send a new unique value (a UUID, say) for each order, and the same value when retrying it.");
        }

        if (idempotencyKey.Length > MaxIdempotencyKeyLength || idempotencyKey.Any(char.IsControl))
        {
            return Problems.Invalid(IdempotencyKeyHeader, $"The {IdempotencyKeyHeader} header must be 1 to {MaxIdempotencyKeyLength} printable characters.");
        }

        if (Validate(body).Problem is { } bad)
        {
            return bad;
        }

        var command = new PlaceOrder(
            body.CustomerId, body.MarketId, body.DeliveryAddress, body.SlotId,
            body.Lines is null ? [] : [.. body.Lines], idempotencyKey);

        // The order id is derived from the customer and the key, so a retry lands on the same grain and finds the order
        // there; that is also what makes the server's own retries on a transient failure safe.
        var orderId = OrderIds.FromIdempotencyKey(body.CustomerId, idempotencyKey);
        var result = await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).Place(command), http.RequestAborted);
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

    /// <summary>The ids and texts of an order; what they mean (a known market, a bookable slot…) the order grain checks.</summary>
    private static InputCheck Validate(PlaceOrderRequest body) => InputRules.Check()
        .Id("customerId", body.CustomerId)
        .Id("marketId", body.MarketId)
        .Id("slotId", body.SlotId)
        .Present("deliveryAddress", body.DeliveryAddress)
        .Text("deliveryAddress.text", body.DeliveryAddress?.Text)
        .Each("lines", body.Lines, static (check, line, l) => check
            .Id($"{line}.stallId", l.StallId)
            .Id($"{line}.sku", l.Sku)
            .OptionalId($"{line}.substitution.sku", l.Substitution?.Sku));
}
