using System.Net;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>
/// <c>GET /api/orders/{orderId}/courier</c> over real HTTP: the order's customer sees the courier carrying it (name,
/// last position, estimated arrival) only while it is out for delivery; other customers never.
/// </summary>
public sealed class OrderCourierTests(CarriedOrdersFixture fixture) : IClassFixture<CarriedOrdersFixture>
{
    [Fact]
    public async Task The_customer_sees_the_courier_while_the_order_is_out_for_delivery_and_not_after()
    {
        var orderId = fixture.OrderIds[0];
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.PostJson($"/api/couriers/{CarriedOrdersFixture.Rider}/position", new { lat = 37.5501, lon = 127.1302 })).Status);

        using var customer = fixture.ClientAs(AccountRole.Customer, fixture.CustomerOf(orderId));
        var courier = await customer.GetJson($"/api/orders/{orderId}/courier");
        Assert.Equal(CarriedOrdersFixture.Rider, (string)courier["courierId"]!);
        Assert.Equal("사진배달", (string)courier["name"]!);
        Assert.Equal(37.5501, (double)courier["position"]!["lat"]!, 6);
        Assert.Equal(127.1302, (double)courier["position"]!["lon"]!, 6);
        Assert.NotNull(courier["positionAt"]);
        var order = await customer.GetJson($"/api/orders/{orderId}");
        Assert.Equal((string?)order["delivery"]!["eta"], (string?)courier["eta"]);

        // Another customer may not; the order's own customer may not read the courier directly either.
        using var stranger = fixture.ClientAs(AccountRole.Customer, "someone-else");
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/api/orders/{orderId}/courier")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync($"/api/couriers/{CarriedOrdersFixture.Rider}")).StatusCode);

        // Delivered: no one's whereabouts any more.
        var code = await fixture.CodeOf(orderId);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.PostJson($"/api/couriers/{CarriedOrdersFixture.Rider}/delivered", new { orderId, deliveryCode = code })).Status);
        using var after = await customer.GetAsync($"/api/orders/{orderId}/courier");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_order_not_yet_out_for_delivery_or_unknown_has_no_courier()
    {
        var slot = await Baskets.OpenSlot(fixture.Http);
        var (status, placed, _) = await fixture.Http.PlaceOrder(Baskets.TwoStallOrder(slot, "waiting-customer"));
        Assert.Equal(HttpStatusCode.Created, status);
        using var customer = fixture.ClientAs(AccountRole.Customer, "waiting-customer");
        using var waiting = await customer.GetAsync($"/api/orders/{placed!["orderId"]}/courier");
        Assert.Equal(HttpStatusCode.NotFound, waiting.StatusCode);
        Assert.Equal("application/problem+json", waiting.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetAsync("/api/orders/o-aaaaaaaaaaaaaaaa/courier")).StatusCode);
    }
}
