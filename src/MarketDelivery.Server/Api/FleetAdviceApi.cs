using System.Globalization;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MarketDelivery.Server.Api;

/// <summary>The advice is still being computed: ask again after <c>RetryAfterSeconds</c> (also in <c>Retry-After</c>).</summary>
public sealed record FleetAdvicePending(string MarketId, string Date, int RetryAfterSeconds);

/// <summary>For market staff: how many couriers a day needs, hour by hour, from the simulator.</summary>
public static class FleetAdviceApi
{
    /// <summary>Advice is given for today and up to this many days ahead (bookings open a day ahead; rosters a week).</summary>
    public const int DaysAhead = 7;

    /// <summary>How long a request waits for a computation before answering 202; a market's model day takes about 6 s, gangdong's (two markets) about 40.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(4);

    public const int PendingRetryAfterSeconds = 2;

    public static void MapFleetAdviceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/markets/{marketId}/fleet-advice", async Task<Results<Ok<FleetAdviceReport>, Accepted<FleetAdvicePending>, ProblemHttpResult>> (
                string marketId, string? date, MarketCatalog catalog, MarketClock clock, IGrainFactory grains, IdempotentCalls calls,
                HttpContext http, CancellationToken aborted) =>
            {
                if (MarketsApi.Known(marketId, catalog) is { } bad)
                {
                    return bad;
                }

                var market = catalog.FindMarket(marketId)!;
                var today = market.LocalDate(clock.GetUtcNow());
                DateOnly day;
                if (string.IsNullOrEmpty(date))
                {
                    day = today.AddDays(1);
                }
                else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
                {
                    return Problems.Invalid("date", "The date is a day in the form YYYY-MM-DD.");
                }

                if (day < today || day > today.AddDays(DaysAhead))
                {
                    return Problems.From(CommandError.Unprocessable(
                        $"Fleet advice is given for today ({today:yyyy-MM-dd}) up to {DaysAhead} days ahead; {day:yyyy-MM-dd} is outside that.", "date"));
                }

                // Markets sharing couriers share one advice: their district's (a market in none is its own district).
                var district = catalog.DistrictOf(market.Id)!;
                var answer = await calls.Run(() => grains.GetGrain<IFleetAdviceGrain>(FleetAdviceKeys.Of(district.Id, day)).Get(Wait), aborted);
                if (answer.Advice is { } advice)
                {
                    return TypedResults.Ok(advice with { MarketId = market.Id });
                }

                http.Response.Headers.RetryAfter = PendingRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Accepted(http.Request.Path + http.Request.QueryString,
                    new FleetAdvicePending(market.Id, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), PendingRetryAfterSeconds));
            })
            .WithTags("Markets")
            .Rule(AuthPolicies.StaffOfMarket, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("For the market's staff: couriers needed per hour of a day (default tomorrow, up to 7 days ahead) to keep at least 98 % of orders on time, with the expected courier-km; from the bookings and the market's history, or the simulator's demand model without history. A market whose district shares couriers gets the district's shared fleet for all its markets' orders (marketIds, slots per market). Simulated by the fleet sweep's engine and kept 10 minutes or until the bookings change; 202 with Retry-After while it is computed.");
    }
}
