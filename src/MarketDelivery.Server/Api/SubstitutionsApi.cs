using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using MarketDelivery.Server.Auth;

namespace MarketDelivery.Server.Api;

/// <summary>The customer's answer to a substitute a merchant picked: approve (charged) or reject (refunded).</summary>
public static class SubstitutionsApi
{
    public static void MapSubstitutionsApi(this IEndpointRouteBuilder app)
    {
        var substitutions = app.MapGroup("/api/orders/{orderId}/substitutions/{lineId}").WithTags("Orders");

        substitutions.MapPost("/approve", (string orderId, string lineId, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
                Decide(orderId, lineId, approve: true, grains, calls, aborted))
            .Rule(AuthPolicies.CustomerOfOrder, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("The customer accepts the substitute picked for a line (lineId is the line's lineNo): it is charged. Returns the order.")
            .WithDescription("Repeating the same decision answers the order unchanged; 409 when the line has no substitute, when it was decided the other way, or when its time ran out (an expired substitute is refunded).");

        substitutions.MapPost("/reject", (string orderId, string lineId, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted) =>
                Decide(orderId, lineId, approve: false, grains, calls, aborted))
            .Rule(AuthPolicies.CustomerOfOrder, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("The customer refuses the substitute picked for a line: the line is refunded as not available. Returns the order.")
            .WithDescription("Repeating the same decision answers the order unchanged; 409 when the line has no substitute, when it was decided the other way, or when its time ran out.");
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Decide(
        string orderId, string lineId, bool approve, IGrainFactory grains, IdempotentCalls calls, CancellationToken aborted)
    {
        if (InputRules.Check().Id("orderId", orderId).Id("lineId", lineId).Problem is { } bad)
        {
            return bad;
        }

        if (!OrderIds.LooksLikeOrderId(orderId))
        {
            return Problems.NotFound($"There is no order '{orderId}'.");
        }

        if (!int.TryParse(lineId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var lineNo) || lineNo < 1)
        {
            return Problems.NotFound($"Order {orderId} has no line '{lineId}'.");
        }

        // The same decision again changes nothing, so the server may retry it through a failover.
        var result = await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).DecideSubstitution(lineNo, approve), aborted);
        return result.Value is { } view ? TypedResults.Ok(view) : Problems.From(result.Error!);
    }
}
