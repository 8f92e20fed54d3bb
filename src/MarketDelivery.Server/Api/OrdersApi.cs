using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using System.Security.Claims;
using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MarketDelivery.Server.Api;

/// <summary>The body of <c>POST /api/orders</c>. Prices are not part of it: the catalogue sets them.</summary>
public sealed record PlaceOrderRequest(
    string? CustomerId,
    string MarketId,
    DeliveryAddress DeliveryAddress,
    string SlotId,
    IReadOnlyList<OrderLineRequest> Lines);

public sealed record CancelOrderRequest(string? Reason);

/// <summary>The courier on the way with an order, as its customer sees them on the map.</summary>
public sealed record OrderCourierView(string CourierId, string Name, GeoPosition? Position, DateTimeOffset? PositionAt, DateTimeOffset? Eta);

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
                             "During a failover the server retries for a few seconds itself; past that it answers 503 with Retry-After. " +
                             "The order is the signed-in customer's: customerId may be left out, and if sent it must be theirs (403 otherwise). " +
                             "An admin places an order for the customerId named.")
            .Rule(AuthPolicies.Customer, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status422UnprocessableEntity)
            .Limited(Authentication.OrderLimit);

        orders.MapGet("/{orderId}", async Task<Results<Ok<OrderView>, ProblemHttpResult>> (string orderId, ClaimsPrincipal user, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("orderId", orderId).Problem is { } bad)
                {
                    return bad;
                }

                return OrderIds.LooksLikeOrderId(orderId) && await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).GetView(), aborted) is { } view
                    ? TypedResults.Ok(ForCaller(view, user))
                    : Problems.NotFound($"There is no order '{orderId}'.");
            })
            .Rule(AuthPolicies.CustomerOrStaffOfOrder, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The order: status, lines with pick results, totals and refund in won. For its customer or the market's staff; only the customer sees the delivery code.");

        orders.MapGet("/{orderId}/courier", async Task<Results<Ok<OrderCourierView>, ProblemHttpResult>> (string orderId, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("orderId", orderId).Problem is { } bad)
                {
                    return bad;
                }

                var order = OrderIds.LooksLikeOrderId(orderId) ? await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).GetView(), aborted) : null;
                if (order is null)
                {
                    return Problems.NotFound($"There is no order '{orderId}'.");
                }

                // Only the courier carrying the order, and only while it is on the way: before and after, no one's whereabouts.
                if (order.Status != OrderStatus.OutForDelivery || order.Delivery?.CourierId is not { } courierId)
                {
                    return Problems.NotFound($"Order '{orderId}' is not out for delivery.");
                }

                var courier = await calls.Run(() => grains.GetGrain<ICourierGrain>(courierId).GetView(), aborted);
                return courier is null
                    ? Problems.NotFound($"Order '{orderId}' is not out for delivery.")
                    : TypedResults.Ok(new OrderCourierView(courier.CourierId, courier.Profile.Name, courier.Position, courier.PositionAt, order.Delivery.Eta));
            })
            .Rule(AuthPolicies.CustomerOrStaffOfOrder, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The courier carrying the order, while it is out for delivery (404 otherwise): name, last position and when it was reported, and the order's estimated arrival. For the order's customer or the market's staff.");

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
            .Rule(AuthPolicies.CustomerOrStaffOfOrder, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Cancels an order that has not left the market yet; 409 once it has. For its customer or the market's staff.");

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
            .Rule(AuthPolicies.StaffOfOrder, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Market staff send an order returned after a failed delivery out again; it is planned anew.");
    }

    private static async Task<Results<Created<OrderView>, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest body,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        IGrainFactory grains,
        IdempotentCalls calls,
        HttpContext http)
    {
        if (OrderingCustomer(http.User, body.CustomerId) is not { } customerId)
        {
            return TypedResults.Problem("The order would be placed for another customer than the one signed in.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.");
        }

        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return Problems.Invalid(IdempotencyKeyHeader,
                $"The {IdempotencyKeyHeader} header is required: send a new unique value (a UUID, say) for each order, and the same value when retrying it.");
        }

        if (idempotencyKey.Length > MaxIdempotencyKeyLength || idempotencyKey.Any(char.IsControl))
        {
            return Problems.Invalid(IdempotencyKeyHeader, $"The {IdempotencyKeyHeader} header must be 1 to {MaxIdempotencyKeyLength} printable characters.");
        }

        if (Validate(body, customerId).Problem is { } bad)
        {
            return bad;
        }

        var command = new PlaceOrder(
            customerId, body.MarketId, body.DeliveryAddress, body.SlotId,
            body.Lines is null ? [] : [.. body.Lines], idempotencyKey);

        // The order id is derived from the customer and the key, so a retry lands on the same grain and finds the order
        // there; that is also what makes the server's own retries on a transient failure safe.
        var orderId = OrderIds.FromIdempotencyKey(customerId, idempotencyKey);
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

    /// <summary>
    /// Whose order this is: the signed-in customer's (the body may leave customerId out, or must name them), or for an
    /// admin the customerId of the body. Null when the body names someone the caller is not.
    /// </summary>
    private static string? OrderingCustomer(ClaimsPrincipal user, string? requested)
    {
        var own = AuthPolicies.Scopes(user, AuthClaims.Customer);
        if (string.IsNullOrEmpty(requested))
        {
            return own.Count == 1 ? own.Single() : AuthPolicies.IsAdmin(user) ? "" : null;
        }

        return own.Contains(requested) || AuthPolicies.IsAdmin(user) ? requested : null;
    }

    /// <summary>Only the order's customer sees the code they show the courier; staff and others get the order without it.</summary>
    private static OrderView ForCaller(OrderView order, ClaimsPrincipal user) =>
        order.Delivery is null || user.HasClaim(AuthClaims.Customer, order.CustomerId)
            ? order
            : order with { Delivery = order.Delivery with { DeliveryCode = null } };

    /// <summary>The ids and texts of an order; what they mean (a known market, a bookable slot…) the order grain checks.</summary>
    private static InputCheck Validate(PlaceOrderRequest body, string customerId) => InputRules.Check()
        .Id("customerId", customerId)
        .Id("marketId", body.MarketId)
        .Id("slotId", body.SlotId)
        .Present("deliveryAddress", body.DeliveryAddress)
        .Text("deliveryAddress.text", body.DeliveryAddress?.Text)
        .Each("lines", body.Lines, static (check, line, l) => check
            .Id($"{line}.stallId", l.StallId)
            .Id($"{line}.sku", l.Sku)
            .OptionalId($"{line}.substitution.sku", l.Substitution?.Sku));
}
