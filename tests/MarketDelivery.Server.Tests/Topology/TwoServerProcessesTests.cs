using System.Net;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Topology;

/// <summary>
/// The docker-compose topology without docker: a migrate step, then two server processes clustered through
/// ADO.NET on one PostgreSQL. An order placed on one is readable and confirmable through the other.
/// </summary>
[Collection(ServerProcessesCollection.Name)]
public sealed class TwoServerProcessesTests
{
    [Fact]
    public async Task An_order_placed_on_one_instance_is_read_and_confirmed_through_the_other()
    {
        await using var cluster = await ServerProcessCluster.StartAsync("two-processes", 2);
        var (a, b) = (cluster.Servers[0], cluster.Servers[1]);

        var slot = await Baskets.OpenSlot(a.Http);
        var (status, placed, _) = await a.Http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "two-servers"), idempotencyKey: "topology-1");
        Assert.Equal(HttpStatusCode.Created, status);
        var orderId = (string)placed!["orderId"]!;

        Assert.Equal("placed", (string)(await b.Http.GetJson($"/api/orders/{orderId}"))["status"]!);
        Assert.Contains((await b.Http.GetJson("/api/stalls/amsa-gwail/tickets?status=open")).AsArray(), t => (string)t!["orderId"]! == orderId);

        var veg = (string)placed["tickets"]![0]!["ticketId"]!;
        var fruit = (string)placed["tickets"]![1]!["ticketId"]!;
        Assert.Equal(HttpStatusCode.OK, (await b.Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{veg}/confirm",
            new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 2 } } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await a.Http.PostJson($"/api/stalls/amsa-gwail/tickets/{fruit}/confirm",
            new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1 } } })).Status);

        var fromA = await a.Http.GetJson($"/api/orders/{orderId}");
        var fromB = await b.Http.GetJson($"/api/orders/{orderId}");
        Assert.Equal("readyForPickup", (string)fromA["status"]!);
        Assert.Equal(fromA.ToJsonString(), fromB.ToJsonString());
        Assert.Equal(25_400, (long)fromB["chargedTotalWon"]!);

        // The same idempotency key through the other instance finds the same order.
        var (replay, again, _) = await b.Http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "two-servers"), idempotencyKey: "topology-1");
        Assert.Equal(HttpStatusCode.Created, replay);
        Assert.Equal(orderId, (string)again!["orderId"]!);
    }

}
