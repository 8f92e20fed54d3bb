using System.Net;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>A merchant's day over HTTP: confirmed tickets and what they really charged.</summary>
public sealed class StallTakingsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task The_days_takings_count_confirmed_tickets_at_what_was_really_picked()
    {
        var slot = await Baskets.OpenSlot(Http);
        var date = slot[..10];
        var before = await Http.GetJson($"/api/stalls/amsa-chaeso/takings?date={date}");
        Assert.Equal((date, 0, 0L), ((string)before["date"]!, (int)before["ticketsConfirmed"]!, (long)before["takingsWon"]!));

        var (_, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "takings-customer"));
        var ticket = (string)placed!["tickets"]![0]!["ticketId"]!;
        var (confirmed, _, _) = await Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{ticket}/confirm", new
        {
            lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 2 } },
        });
        Assert.Equal(HttpStatusCode.OK, confirmed);
        await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "takings-customer")); // open: not counted

        var day = await Http.GetJson($"/api/stalls/amsa-chaeso/takings?date={date}");
        Assert.Equal((1, 2 * 2500L + 2 * 3300), ((int)day["ticketsConfirmed"]!, (long)day["takingsWon"]!));
        Assert.Equal(0, (int)(await Http.GetJson("/api/stalls/amsa-chaeso/takings?date=2020-01-01"))["ticketsConfirmed"]!);
        Assert.Equal(0, (int)(await Http.GetJson($"/api/stalls/amsa-gwail/takings?date={date}"))["ticketsConfirmed"]!);
    }

    [Fact]
    public async Task Bad_dates_are_400_and_unknown_stalls_404()
    {
        var (status, problem, _) = await Http.SendJson(HttpMethod.Get, "/api/stalls/amsa-chaeso/takings?date=23.11.2026");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["date"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendJson(HttpMethod.Get, "/api/stalls/no-such-stall/takings")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendJson(HttpMethod.Get, "/api/stalls/amsa-chaeso/takings")).Status);
    }
}
