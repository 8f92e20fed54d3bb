using System.Net;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>A customer's order history over HTTP: newest first, paged with the cursor the API hands out.</summary>
public sealed class CustomerOrdersApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task A_customer_pages_through_their_orders_newest_first_and_sees_nobody_elses()
    {
        var slot = await Baskets.OpenSlot(Http);
        var placed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (status, order, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "history-customer"));
            Assert.Equal(HttpStatusCode.Created, status);
            placed.Add((string)order!["orderId"]!);
            fixture.Server.Time.Advance(TimeSpan.FromSeconds(30)); // business time moves between the orders
        }

        var (_, other, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "someone-else"));
        var (cancelStatus, _, _) = await Http.PostJson($"/api/orders/{placed[0]}/cancel", new { reason = "changed my mind" });
        Assert.Equal(HttpStatusCode.OK, cancelStatus);

        var first = await Http.GetJson("/api/customers/history-customer/orders?limit=2");
        var firstRows = first["orders"]!.AsArray();
        Assert.Equal([placed[2], placed[1]], firstRows.Select(o => (string)o!["orderId"]!));
        var row = firstRows[0]!;
        Assert.Equal((Baskets.Market, slot, "placed", 28_700L), ((string)row["marketId"]!, (string)row["slotId"]!, (string)row["status"]!, (long)row["chargedTotalWon"]!));
        Assert.True(DateTimeOffset.Parse((string)row["placedAt"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse((string)firstRows[1]!["placedAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        var next = (string)first["next"]!;

        var second = await Http.GetJson($"/api/customers/history-customer/orders?limit=2&before={Uri.EscapeDataString(next)}");
        var last = Assert.Single(second["orders"]!.AsArray())!;
        Assert.Equal((placed[0], "cancelled"), ((string)last["orderId"]!, (string)last["status"]!));
        Assert.Null(second["next"]);

        var all = (await Http.GetJson("/api/customers/history-customer/orders"))["orders"]!.AsArray();
        Assert.DoesNotContain(all, o => (string)o!["orderId"]! == (string)other!["orderId"]!);
        Assert.Empty((await Http.GetJson("/api/customers/nobody-at-all/orders"))["orders"]!.AsArray());
    }

    [Theory]
    [InlineData("/api/customers/c-1/orders?limit=0", "limit")]
    [InlineData("/api/customers/c-1/orders?limit=101", "limit")]
    [InlineData("/api/customers/c-1/orders?before=yesterday", "before")]
    [InlineData("/api/customers/c%E2%80%8B1/orders", "customerId")]
    public async Task Bad_paging_or_ids_are_400_naming_the_field(string path, string field)
    {
        var (status, problem, _) = await Http.SendJson(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]![field]);
    }
}
