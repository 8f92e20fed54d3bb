using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Persistence.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using MarketDelivery.Server.Auth;

namespace MarketDelivery.Server.Api;

/// <summary>A customer's own orders, for the customer app's history.</summary>
public static class CustomersApi
{
    public const int DefaultPageSize = 20;

    public static void MapCustomersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/customers/{customerId}/orders", async Task<Results<Ok<CustomerOrdersPage>, ProblemHttpResult>> (
                string customerId, string? before, int? limit, IOrderViews views, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("customerId", customerId).Problem is { } bad)
                {
                    return bad;
                }

                if (limit is < 1 or > OrderStore.MaxCustomerPage)
                {
                    return Problems.Invalid("limit", $"The limit is between 1 and {OrderStore.MaxCustomerPage}.");
                }

                OrderCursor? cursor = null;
                if (!string.IsNullOrEmpty(before) && !OrderCursor.TryParse(before, out cursor))
                {
                    return Problems.Invalid("before", "The cursor is not one this API gave out: pass back the 'next' of the previous page.");
                }

                // One indexed range read of the order store; a customer with no orders gets an empty page.
                return TypedResults.Ok(await calls.Run(() => views.OrdersOfCustomerAsync(customerId, cursor, limit ?? DefaultPageSize, aborted), aborted));
            })
            .WithTags("Orders")
            .Rule(AuthPolicies.CustomerSelf, StatusCodes.Status400BadRequest)
            .WithSummary("The signed-in customer's own orders, newest first (id, market, slot, status, charged total in won, placed at), a page at a time: pass the page's 'next' as 'before' for the following one.");
    }
}
