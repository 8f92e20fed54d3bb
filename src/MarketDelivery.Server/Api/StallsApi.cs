using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MarketDelivery.Server.Api;

public sealed record ConfirmTicketRequest(IReadOnlyList<PickConfirmation> Lines);

/// <summary>A stall's pick tickets, as its tablet lists and confirms them.</summary>
public static class StallsApi
{
    public static void MapStallsApi(this IEndpointRouteBuilder app)
    {
        // A stall's tickets are its merchants' business: every endpoint here is for a merchant of {stallId}.
        var stalls = app.MapGroup("/api/stalls/{stallId}").WithTags("Stalls");

        stalls.MapGet("/tickets", async Task<Results<Ok<ImmutableArray<PickTicketView>>, ProblemHttpResult>> (
                string stallId, string? status, MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("stallId", stallId).Problem is { } bad)
                {
                    return bad;
                }

                if (catalog.FindStall(stallId) is null)
                {
                    return Problems.NotFound($"There is no stall '{stallId}'.");
                }

                PickTicketStatus? filter = null;
                if (!string.IsNullOrEmpty(status))
                {
                    if (!Enum.TryParse<PickTicketStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
                    {
                        return Problems.Invalid("status", $"Status '{status}' is not one of open, confirmed, cancelled.");
                    }

                    filter = parsed;
                }

                return TypedResults.Ok(await calls.Run(() => grains.GetGrain<IStallGrain>(stallId).GetTickets(filter), aborted));
            })
            .Rule(AuthPolicies.MerchantOfStall, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The stall's pick tickets, oldest delivery slot first; ?status=open for those still to pick.");

        stalls.MapPost("/tickets/{ticketId}/confirm", async Task<Results<Ok<TicketConfirmation>, ProblemHttpResult>> (
                string stallId, string ticketId, ConfirmTicketRequest body, MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
            {
                var check = InputRules.Check()
                    .Id("stallId", stallId)
                    .Id("ticketId", ticketId)
                    .Each("lines", body.Lines, static (check, line, l) => check
                        .Id($"{line}.sku", l.Sku)
                        .OptionalId($"{line}.substituteSku", l.SubstituteSku));
                if (check.Problem is { } bad)
                {
                    return bad;
                }

                if (catalog.FindStall(stallId) is null)
                {
                    return Problems.NotFound($"There is no stall '{stallId}'.");
                }

                if (OrderIds.OrderIdOfTicket(ticketId) is not { } orderId || !OrderIds.LooksLikeOrderId(orderId))
                {
                    return Problems.NotFound($"Stall '{stallId}' has no ticket '{ticketId}'.");
                }

                if (body.Lines is null || body.Lines.Count == 0)
                {
                    return Problems.Invalid("lines", "Confirm every line of the ticket.");
                }

                // Idempotent by content: the same lines again answer the same confirmation, so a retry is safe.
                var result = await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).ConfirmTicket(stallId, ticketId, [.. body.Lines]), aborted);
                return result.Value is { } confirmation ? TypedResults.Ok(confirmation) : Problems.From(result.Error!);
            })
            .Rule(AuthPolicies.MerchantOfStall, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Confirms every line of a ticket: picked (pickedQuantity = ordered), short (less), or substituted (substituteSku). Returns the ticket and the order's new status.");
    }
}
