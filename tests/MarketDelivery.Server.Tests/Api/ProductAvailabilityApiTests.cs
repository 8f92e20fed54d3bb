using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Server.Hubs;
using MarketDelivery.Server.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>A merchant takes a product off and puts it back: the catalogue, new orders and the market's clients follow at once.</summary>
public sealed class ProductAvailabilityApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    private const string Path = "/api/stalls/amsa-gwail/products/sagwa-busa/availability";

    private async Task<JsonNode> CatalogProduct()
    {
        var catalog = await Http.GetJson($"/api/markets/{Baskets.Market}/catalog");
        var stall = catalog["stalls"]!.AsArray().Single(s => (string)s!["id"]! == "amsa-gwail")!;
        return stall["products"]!.AsArray().Single(p => (string)p!["sku"]! == "sagwa-busa")!;
    }

    [Fact]
    public async Task Out_of_stock_shows_in_the_catalogue_refuses_orders_and_back_in_stock_accepts_them()
    {
        var slot = await Baskets.OpenSlot(Http);
        await using var staff = await HubClient.Connect(fixture.Server);
        var pushes = staff.Listen(PushEvents.Product);
        await staff.InvokeAsync<JsonObject>(nameof(MarketHub.JoinMarket), Baskets.Market);
        Assert.True((bool)(await CatalogProduct())["available"]!);

        var (offStatus, off, _) = await Http.SendJson(HttpMethod.Put, Path, new { available = false });
        Assert.Equal(HttpStatusCode.OK, offStatus);
        Assert.Equal((false, "amsa-gwail", "sagwa-busa"), ((bool)off!["available"]!, (string)off["stallId"]!, (string)off["sku"]!));
        var version = (int)off["version"]!;
        Assert.True(version >= 1);
        var pushed = await pushes.NextMatching(p => (string)p["sku"]! == "sagwa-busa" && (int)p["version"]! == version);
        Assert.False((bool)pushed["available"]!);

        var listed = await CatalogProduct();
        Assert.Equal((false, version), ((bool)listed["available"]!, (int)listed["version"]!));
        var (refused, problem, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "stock-customer"));
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.NotNull(problem!["errors"]!["lines[2].sku"]);

        var (onStatus, on, _) = await Http.SendJson(HttpMethod.Put, Path, new { available = true, stock = 4 });
        Assert.Equal(HttpStatusCode.OK, onStatus);
        Assert.Equal((true, 4, version + 1), ((bool)on!["available"]!, (int)on["stock"]!, (int)on["version"]!));
        Assert.Equal(4, (int)(await CatalogProduct())["stock"]!);
        var (accepted, _, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "stock-customer"));
        Assert.Equal(HttpStatusCode.Created, accepted);
    }

    [Fact]
    public async Task Bad_availability_requests_are_clear_problems()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendJson(HttpMethod.Put, Path, new { stock = 3 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendJson(HttpMethod.Put, Path, new { available = true, stock = -1 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendJson(HttpMethod.Put, Path, "{\"available\": \"yes\"}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendJson(HttpMethod.Put, "/api/stalls/amsa-gwail/products/no-such/availability", new { available = true })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendJson(HttpMethod.Put, "/api/stalls/no-such/products/sagwa-busa/availability", new { available = true })).Status);
    }
}
