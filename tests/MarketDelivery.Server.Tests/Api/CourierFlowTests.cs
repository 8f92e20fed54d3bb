using MarketDelivery.Contracts.Accounts;
using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Server.Hubs;
using MarketDelivery.Server.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>
/// A courier's phone against the real server: shift, plan, arrival, pick-up, delivery with the customer's code,
/// every step pushed over SignalR, and the route as GeoJSON.
/// </summary>
public sealed class CourierFlowTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task A_courier_is_planned_picks_up_and_delivers_and_every_step_is_pushed()
    {
        var (registered, courier, _) = await Http.SendJson(HttpMethod.Put, "/api/couriers/rider-1", new
        {
            name = "박배달", district = "강동구", mode = "scooter", capacityGrams = 30_000, capacityBags = 8, marketIds = new[] { "amsa" },
        });
        Assert.Equal(HttpStatusCode.OK, registered);
        Assert.False((bool)courier!["onShift"]!);

        await using var phone = await Connect();
        var courierEvents = phone.Listen(PushEvents.Courier);
        await phone.InvokeAsync<JsonObject>(nameof(MarketHub.JoinCourier), "rider-1");

        var end = MarketServer.DefaultNow.AddHours(8);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/couriers/rider-1/shift/start", new { plannedEnd = end })).Status);
        await courierEvents.NextMatching(c => (bool)c["onShift"]!);

        var slot = await Baskets.OpenSlot(Http);
        var (_, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "courier-customer"));
        var orderId = (string)placed!["orderId"]!;
        await Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{placed["tickets"]![0]!["ticketId"]}/confirm",
            new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3 } } });
        await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{placed["tickets"]![1]!["ticketId"]}/confirm",
            new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1 } } });

        await using var customer = await Connect();
        var orderEvents = customer.Listen(PushEvents.Order);
        await customer.InvokeAsync<JsonObject>(nameof(MarketHub.FollowOrder), orderId);

        // 45 minutes before the slot the wave is due; staff plan it.
        var slotStart = DateTimeOffset.Parse((string)placed["slotStart"]!, System.Globalization.CultureInfo.InvariantCulture);
        fixture.Server.Time.SetUtcNow(slotStart.AddMinutes(-44));
        var (planStatus, board, _) = await Http.PostJson("/api/markets/amsa/dispatch/plan", null);
        Assert.Equal(HttpStatusCode.OK, planStatus);
        Assert.Empty(board!["violations"]!.AsArray());
        var route = board["routes"]!.AsArray().Single(r => (string)r!["courierId"]! == "rider-1")!;
        Assert.Equal(["pickup", "delivery"], route["stops"]!.AsArray().Select(s => (string)s!["kind"]!));

        var routed = await courierEvents.NextMatching(c => c["route"] is JsonObject r && r["stops"]!.AsArray().Count == 2);
        Assert.Equal(orderId, (string)routed["route"]!["stops"]![1]!["orderId"]!);
        var planned = await orderEvents.NextMatching(o => (string?)o["delivery"]?["courierId"] == "rider-1");
        Assert.NotNull(planned["delivery"]!["eta"]);

        var geo = await Http.GetAsync("/api/couriers/rider-1/route.geojson");
        Assert.Equal("application/geo+json", geo.Content.Headers.ContentType!.MediaType);
        var features = JsonNode.Parse(await geo.Content.ReadAsStringAsync())!["features"]!.AsArray();
        Assert.Equal("LineString", (string)features[0]!["geometry"]!["type"]!);
        Assert.Equal(2, features.Count(f => (string)f!["geometry"]!["type"]! == "Point" && (string?)f["properties"]!["orderId"] == orderId));

        // Pick-up before arriving is refused; then arrive, pick up, deliver with the code the customer holds.
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostJson("/api/couriers/rider-1/pickup", new { orderIds = new[] { orderId } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/couriers/rider-1/arrived", new { marketId = "amsa" })).Status);
        await courierEvents.NextMatching(c => (string?)c["atMarketId"] == "amsa");
        var (pickStatus, afterPick, _) = await Http.PostJson("/api/couriers/rider-1/pickup", new { orderIds = new[] { orderId } });
        Assert.Equal(HttpStatusCode.OK, pickStatus);
        Assert.Equal([orderId], afterPick!["onBoardOrderIds"]!.AsArray().Select(o => (string)o!));
        Assert.Equal("outForDelivery", (string)(await orderEvents.NextMatching(o => (string)o["status"]! == "outForDelivery"))["status"]!);

        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/couriers/rider-1/position", new { lat = 37.5530, lon = 127.1300 })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostJson("/api/couriers/rider-1/shift/end", null)).Status);

        // Only the customer reads the code; staff (here an admin) see the order without it.
        Assert.Null((await Http.GetJson($"/api/orders/{orderId}"))["delivery"]!["deliveryCode"]);
        using var customerHttp = fixture.Server.ClientAs(AccountRole.Customer, "courier-customer");
        var code = (string)(await customerHttp.GetJson($"/api/orders/{orderId}"))["delivery"]!["deliveryCode"]!;
        var wrong = code == "0000" ? "1111" : "0000";
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/couriers/rider-1/delivered", new { orderId, deliveryCode = wrong })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/couriers/rider-1/delivered", new { orderId })).Status);
        var (delivered, afterDelivery, _) = await Http.PostJson("/api/couriers/rider-1/delivered", new { orderId, deliveryCode = code });
        Assert.Equal(HttpStatusCode.OK, delivered);
        Assert.Empty(afterDelivery!["onBoardOrderIds"]!.AsArray());
        var done = await orderEvents.NextMatching(o => (string)o["status"]! == "delivered");
        Assert.Equal("code", (string)done["delivery"]!["proof"]!);

        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostJson("/api/couriers/rider-1/failed", new { orderId, reason = "late" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/couriers/rider-1/shift/end", null)).Status);
        await courierEvents.NextMatching(c => !(bool)c["onShift"]!);
    }

    [Fact]
    public async Task Bad_courier_input_is_a_problem_not_a_crash()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/couriers/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson("/api/couriers/nobody/shift/start", new { plannedEnd = MarketServer.DefaultNow.AddHours(1) })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendJson(HttpMethod.Put, "/api/couriers/rider-x", new
        {
            name = "x", district = "강동구", mode = "scooter", capacityGrams = 1000, capacityBags = 1, marketIds = new[] { "atlantis" },
        })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendJson(HttpMethod.Put, "/api/couriers/rider-x", new
        {
            name = "x", district = "강동구", mode = "rocket", capacityGrams = 1000, capacityBags = 1, marketIds = new[] { "amsa" },
        })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendJson(HttpMethod.Put, "/api/couriers/rider-x", new
        {
            name = "x", district = "강동구", mode = "walk", capacityGrams = 0, capacityBags = 1, marketIds = new[] { "amsa" },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendJson(HttpMethod.Put, "/api/couriers/rider-x", new
        {
            name = "x", district = "강동구", mode = "walk", capacityGrams = 8000, capacityBags = 2, marketIds = new[] { "amsa" },
        })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostJson("/api/couriers/rider-x/position", new { lat = 37.55, lon = 127.13 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/couriers/rider-x/shift/start", new { plannedEnd = MarketServer.DefaultNow.AddHours(-1) })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/couriers/rider-x/shift/start", new { plannedEnd = MarketServer.DefaultNow.AddHours(3) })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/couriers/rider-x/position", new { lat = 137.55, lon = 127.13 })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostJson("/api/couriers/rider-x/arrived", new { marketId = "mangwon" })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostJson("/api/couriers/rider-x/delivered", new { orderId = "o-aaaaaaaaaaaaaaaa", deliveryCode = "1234" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/couriers/rider-x/pickup", new { orderIds = Array.Empty<string>() })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/markets/atlantis/dispatch")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/markets/amsa/dispatch")).StatusCode);

        await using var phone = await Connect();
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => phone.InvokeAsync<JsonObject>(nameof(MarketHub.JoinCourier), "nobody"));
    }

    private Task<HubConnection> Connect() => HubClient.Connect(fixture.Server);
}
