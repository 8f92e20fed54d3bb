using System.Net;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>The walk of the walking skeleton over plain HTTP: place, tickets per stall, confirm picks, ready.</summary>
public sealed class OrderWalkTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task An_order_is_split_per_stall_picked_and_becomes_ready_with_the_right_total_and_refund()
    {
        var slot = await Baskets.OpenSlot(Http);
        var (status, placed, response) = await Http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "walker"), idempotencyKey: "walk-1");

        Assert.Equal(HttpStatusCode.Created, status);
        var orderId = (string)placed!["orderId"]!;
        Assert.Equal($"/api/orders/{orderId}", response.Headers.Location!.OriginalString);
        Assert.Equal("placed", (string)placed["status"]!);
        Assert.Equal(28_700, (long)placed["orderedTotalWon"]!); // 2×2,500 + 3×3,300 + 13,800
        var tickets = placed["tickets"]!.AsArray();
        Assert.Equal(["amsa-chaeso", "amsa-gwail"], tickets.Select(t => (string)t!["stallId"]!));
        var vegTicket = (string)tickets[0]!["ticketId"]!;
        var fruitTicket = (string)tickets[1]!["ticketId"]!;

        var open = (await Http.GetJson("/api/stalls/amsa-chaeso/tickets?status=open")).AsArray();
        var listed = Assert.Single(open, t => (string)t!["ticketId"]! == vegTicket)!;
        Assert.Equal(["daepa", "gamja"], listed["lines"]!.AsArray().Select(l => (string)l!["sku"]!));

        // The vegetable stall: 대파 in full, 감자 short by one.
        var (vegStatus, vegConfirmed, _) = await Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{vegTicket}/confirm", new
        {
            lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 2 } },
        });
        Assert.Equal(HttpStatusCode.OK, vegStatus);
        Assert.Equal("picking", (string)vegConfirmed!["orderStatus"]!);
        Assert.Equal("confirmed", (string)vegConfirmed["ticket"]!["status"]!);

        // The fruit stall: 부사 is out, 홍로 goes instead (the customer allowed the best match).
        var (fruitStatus, fruitConfirmed, _) = await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{fruitTicket}/confirm", new
        {
            lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1, substituteSku = "sagwa-hongro" } },
        });
        Assert.Equal(HttpStatusCode.OK, fruitStatus);
        Assert.Equal("readyForPickup", (string)fruitConfirmed!["orderStatus"]!);

        var order = await Http.GetJson($"/api/orders/{orderId}");
        Assert.Equal("readyForPickup", (string)order["status"]!);
        Assert.Equal(28_700, (long)order["orderedTotalWon"]!);
        Assert.Equal(5_000 + 6_600 + 13_700, (long)order["chargedTotalWon"]!);
        Assert.Equal(3_300 + 100, (long)order["refundWon"]!);
        var lines = order["lines"]!.AsArray();
        Assert.Equal("picked", (string)lines[0]!["pick"]!["outcome"]!);
        Assert.Equal("short", (string)lines[1]!["pick"]!["outcome"]!);
        Assert.Equal("substituted", (string)lines[2]!["pick"]!["outcome"]!);
        Assert.Equal("sagwa-hongro", (string)lines[2]!["pick"]!["sku"]!);

        Assert.DoesNotContain((await Http.GetJson("/api/stalls/amsa-chaeso/tickets?status=open")).AsArray(), t => (string)t!["ticketId"]! == vegTicket);
        var board = (await Http.GetJson($"/api/markets/{Baskets.Market}/orders")).AsArray();
        Assert.Equal("readyForPickup", (string)board.Single(o => (string)o!["orderId"]! == orderId)!["status"]!);
    }

    [Fact]
    public async Task Confirming_again_with_the_same_lines_is_harmless_but_different_lines_are_a_conflict()
    {
        var slot = await Baskets.OpenSlot(Http);
        var (_, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "twice"));
        var ticket = (string)placed!["tickets"]![1]!["ticketId"]!;
        var confirm = new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1 } } };

        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{ticket}/confirm", confirm)).Status);
        var (again, replay, _) = await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{ticket}/confirm", confirm);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.True((bool)replay!["replayed"]!);

        var (conflict, problem, _) = await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{ticket}/confirm",
            new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 0 } } });
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Contains("already confirmed", (string)problem!["detail"]!);
    }

    [Fact]
    public async Task Cancelling_withdraws_open_tickets_and_a_second_cancel_is_a_conflict()
    {
        var slot = await Baskets.OpenSlot(Http);
        var (_, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "canceller"));
        var orderId = (string)placed!["orderId"]!;
        var ticket = (string)placed["tickets"]![0]!["ticketId"]!;

        var (cancelled, order, _) = await Http.PostJson($"/api/orders/{orderId}/cancel", new { reason = "고객 요청" });
        Assert.Equal(HttpStatusCode.OK, cancelled);
        Assert.Equal("cancelled", (string)order!["status"]!);
        Assert.Equal(0, (long)order["chargedTotalWon"]!);
        Assert.Equal(28_700, (long)order["refundWon"]!);
        Assert.DoesNotContain((await Http.GetJson("/api/stalls/amsa-chaeso/tickets?status=open")).AsArray(), t => (string)t!["ticketId"]! == ticket);

        var (again, problem, _) = await Http.PostJson($"/api/orders/{orderId}/cancel", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("Cancelled", (string)problem!["detail"]!);

        var (confirm, _, _) = await Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{ticket}/confirm",
            new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3 } } });
        Assert.Equal(HttpStatusCode.Conflict, confirm);
    }

    [Fact]
    public async Task Health_OpenApi_and_its_browsable_UI_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health")).StatusCode);
        var openApi = await Http.GetJson("/openapi/v1.json");
        Assert.NotNull(openApi["paths"]!["/api/orders"]);
        Assert.NotNull(openApi["paths"]!["/api/stalls/{stallId}/tickets/{ticketId}/confirm"]);
        var ui = await Http.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("text/html", ui.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Markets_list_bookable_slots_and_catalogues_come_from_the_seed_data()
    {
        var markets = (await Http.GetJson("/api/markets")).AsArray();
        Assert.True(markets.Count >= 5);
        var amsa = markets.Single(m => (string)m!["id"]! == "amsa")!;
        Assert.Equal("암사종합시장", (string)amsa["name"]!);
        // At 12:30 in Seoul the 11:00 and 13:00 slots are past their cut-offs; today's 15:00 slot is the first open one.
        var slots = amsa["slots"]!.AsArray().Select(s => (string)s!["slotId"]!).ToList();
        Assert.Equal("2026-11-23-1500", slots[0]);
        Assert.DoesNotContain("2026-11-23-1100", slots);
        Assert.Contains("2026-11-24-1100", slots);

        var catalog = await Http.GetJson("/api/markets/amsa/catalog");
        Assert.True(catalog["stalls"]!.AsArray().Count >= 8);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/markets/nowhere/catalog")).StatusCode);
    }
}
