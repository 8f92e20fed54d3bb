using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>
/// The fleet advice over HTTP, for amsa's staff (opening hours 09–21, slots 11–21). amsa shares its couriers with
/// gildong (district gangdong, same hours and slot times), so the advice is the district's, one for both markets' staff.
/// Without history or bookings the advice comes from the simulator's demand model; a booking or ten minutes make it
/// stale. Who else may ask is in the access matrix.
/// </summary>
public sealed class FleetAdviceApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Path = "/api/markets/amsa/fleet-advice";

    /// <summary>Asks until the advice is there (202 while it is computed); the 202s must say when to ask again.</summary>
    private static async Task<JsonNode> Advice(HttpClient http, string path, Func<JsonNode, bool>? until = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            var (status, body, response) = await http.SendJson(HttpMethod.Get, path);
            if (status == HttpStatusCode.OK && (until is null || until(body!)))
            {
                return body!;
            }

            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{(int)status}: {body?.ToJsonString()}");
            if (status == HttpStatusCode.Accepted)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }

            Assert.True(DateTime.UtcNow < deadline, "no advice within 6 minutes");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task Staff_get_tomorrows_advice_then_the_cached_one_and_a_new_one_once_a_booking_comes_in()
    {
        using var staff = fixture.Server.ClientAs(AccountRole.Staff, "amsa");
        var advice = await Advice(staff, Path);

        Assert.Equal("2026-11-24", (string)advice["date"]!); // the test server's today is 2026-11-23
        Assert.Equal("model", (string)advice["basis"]!);
        Assert.Equal(0, (int)advice["booked"]!);
        var fleet = (int)advice["fleet"]!;
        Assert.InRange(fleet, 1, 40);
        Assert.True((bool)advice["targetReached"]!);
        Assert.True((double)advice["onTimePct"]! >= 98);
        Assert.True((double)advice["courierKm"]! > 0);
        Assert.Equal("amsa", (string)advice["marketId"]!);
        Assert.Equal("gangdong", (string)advice["districtId"]!);
        Assert.Equal(["amsa", "gildong"], advice["marketIds"]!.AsArray().Select(m => (string)m!));
        var slots = advice["slots"]!.AsArray();
        Assert.Equal([5, 5], slots.GroupBy(s => (string)s!["marketId"]!).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal((int)advice["orders"]!, slots.Sum(s => (int)s!["expected"]!));

        var hours = advice["hours"]!.AsArray();
        Assert.Equal(Enumerable.Range(9, 12).Select(h => $"{h:00}:00"), hours.Select(h => (string)h!["hour"]!));
        foreach (var hour in hours.Where(h => string.CompareOrdinal((string)h!["hour"]!, "11:00") >= 0))
        {
            Assert.InRange((int)hour!["couriers"]!, 1, fleet);
        }

        Assert.Equal((int)advice["peakCouriers"]!, hours.Max(h => (int)h!["couriers"]!));
        Assert.True(hours.Sum(h => (double)h!["courierKm"]!) > 0);

        // gildong's staff get the same computation, as their market's.
        using var gildong = fixture.Server.ClientAs(AccountRole.Staff, "gildong");
        var theirs = await gildong.GetJson("/api/markets/gildong/fleet-advice?date=2026-11-24");
        Assert.Equal(("gildong", (string)advice["computedAt"]!, fleet), ((string)theirs["marketId"]!, (string)theirs["computedAt"]!, (int)theirs["fleet"]!));

        // Nothing changed a minute later: the same advice, not computed again (the test server's clock stands still otherwise).
        fixture.Server.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await staff.GetJson(Path + "?date=2026-11-24");
        Assert.Equal((string)advice["computedAt"]!, (string)again["computedAt"]!);

        // A booking for tomorrow: the advice is computed again and counts it.
        var markets = (await fixture.Http.GetJson("/api/markets")).AsArray();
        var slot = markets.Single(m => (string)m!["id"]! == "amsa")!["slots"]!.AsArray()
            .Select(s => (string)s!["slotId"]!).First(s => s.StartsWith("2026-11-24", StringComparison.Ordinal));
        var (placed, order, _) = await fixture.Http.PlaceOrder(Baskets.TwoStallOrder(slot, "advice-customer"));
        Assert.True(placed == HttpStatusCode.Created, order?.ToJsonString());
        var renewed = await Advice(staff, Path, a => (int)a["booked"]! == 1 && a["updating"]?.GetValue<bool>() != true);
        Assert.NotEqual((string)advice["computedAt"]!, (string)renewed["computedAt"]!);
        var booked = Assert.Single(renewed["slots"]!.AsArray(), s => (int)s!["booked"]! > 0)!;
        Assert.Equal((slot, "amsa", 1), ((string)booked["slotId"]!, (string)booked["marketId"]!, (int)booked["booked"]!));

        // Ten minutes on, the advice has expired: the old one is answered as updating while the day is simulated again.
        fixture.Server.Time.Advance(TimeSpan.FromMinutes(11));
        var (_, stale, _) = await staff.SendJson(HttpMethod.Get, Path);
        if (stale is not null && (string?)stale["computedAt"] == (string)renewed["computedAt"]!)
        {
            Assert.True((bool)stale["updating"]!);
        }

        var expired = await Advice(staff, Path, a => (string)a["computedAt"]! != (string)renewed["computedAt"]!);
        Assert.False((bool)expired["updating"]!);
    }

    [Fact]
    public async Task Bad_dates_are_400_dates_out_of_range_422_and_unknown_markets_404()
    {
        var http = fixture.Http;
        var (status, problem, _) = await http.SendJson(HttpMethod.Get, Path + "?date=24.11.2026");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["date"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.SendJson(HttpMethod.Get, Path + "?date=2026-11-22")).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.SendJson(HttpMethod.Get, Path + "?date=2026-12-01")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendJson(HttpMethod.Get, "/api/markets/no-such-market/fleet-advice")).Status);
    }
}
