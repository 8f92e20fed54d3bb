using System.Globalization;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using MarketDelivery.Server.Auth;

namespace MarketDelivery.Server.Api;

/// <summary>A merchant's day: confirmed tickets and takings, from the order store's ticket rows.</summary>
public static class TakingsApi
{
    public static void MapTakingsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stalls/{stallId}/takings", async Task<Results<Ok<StallTakings>, ProblemHttpResult>> (
                string stallId, string? date, MarketCatalog catalog, MarketClock clock, IOrderViews views, IdempotentCalls calls, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("stallId", stallId).Problem is { } bad)
                {
                    return bad;
                }

                if (catalog.FindStall(stallId) is not { Market: var market })
                {
                    return Problems.NotFound($"There is no stall '{stallId}'.");
                }

                DateOnly day;
                if (string.IsNullOrEmpty(date))
                {
                    day = market.LocalDate(clock.GetUtcNow());
                }
                else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
                {
                    return Problems.Invalid("date", "The date is a day in the form YYYY-MM-DD.");
                }

                // The market's own day: slots starting from its midnight to the next.
                var from = MarketTimeZones.At(market.TimeZone, day, TimeOnly.MinValue);
                var to = MarketTimeZones.At(market.TimeZone, day.AddDays(1), TimeOnly.MinValue);
                var (tickets, takings) = await calls.Run(() => views.TakingsOfStallAsync(stallId, from, to, aborted), aborted);
                return TypedResults.Ok(new StallTakings(stallId, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), tickets, takings));
            })
            .WithTags("Stalls")
            .Rule(AuthPolicies.MerchantOfStall, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("For the stall's merchants: the stall's day (default: today at the market): confirmed tickets of orders not cancelled, for delivery slots of that day, and the takings in won, i.e. what was really picked and charged (refused or expired substitutes excluded).");
    }
}
