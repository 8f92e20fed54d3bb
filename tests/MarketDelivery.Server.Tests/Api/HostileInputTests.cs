using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Server.Api;
using MarketDelivery.Server.Hubs;
using MarketDelivery.Server.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>
/// Ids and texts that used to reach a grain or PostgreSQL and come back as a 500 (issue 9): white space, NUL and other
/// control characters, nulls inside lists, over-long ids. Each is a 400 problem naming the field, before any grain.
/// </summary>
public sealed class HostileInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    public static TheoryData<string, string> CourierRoutesWithABlankId => new()
    {
        { "GET", "/api/couriers/%20" },
        { "GET", "/api/couriers/%20/route.geojson" },
        { "PUT", "/api/couriers/%20%09" },
        { "POST", "/api/couriers/%20/shift/start" },
        { "POST", "/api/couriers/%20/shift/end" },
        { "POST", "/api/couriers/%20/position" },
        { "POST", "/api/couriers/%20/arrived" },
        { "POST", "/api/couriers/%20/pickup" },
        { "POST", "/api/couriers/%20/delivered" },
        { "POST", "/api/couriers/%20/failed" },
    };

    [Theory]
    [MemberData(nameof(CourierRoutesWithABlankId))]
    public async Task Every_courier_route_answers_a_blank_courier_id_with_a_400_naming_it(string method, string path)
    {
        var body = method == "GET" ? null : new
        {
            name = "x", district = "강동구", mode = "walk", capacityGrams = 1000, capacityBags = 1, marketIds = new[] { "amsa" },
            plannedEnd = MarketServer.DefaultNow.AddHours(1), lat = 37.55, lon = 127.13, marketId = "amsa",
            orderIds = new[] { "o-aaaaaaaaaaaaaaaa" }, orderId = "o-aaaaaaaaaaaaaaaa", deliveryCode = "1234", reason = "absent",
        };

        var (status, problem, _) = await Http.SendJson(new HttpMethod(method), path, body);

        AssertProblemFor(status, problem, "courierId");
    }

    public static TheoryData<string> BadOrderIdLists => new()
    {
        """{"orderIds":[null]}""",
        """{"orderIds":[""]}""",
        """{"orderIds":["o-aaaa\u0000aaaaaaaaaaa"]}""",
        """{"orderIds":["   "]}""",
    };

    [Theory]
    [MemberData(nameof(BadOrderIdLists))]
    public async Task A_pick_up_with_a_null_empty_or_NUL_order_id_is_a_400_naming_the_element(string json)
    {
        await RegisterCourier("hostile-rider");

        var (status, problem, _) = await Http.PostJson("/api/couriers/hostile-rider/pickup", json);

        AssertProblemFor(status, problem, "orderIds[0]");
    }

    [Fact]
    public async Task Ids_are_at_most_100_characters()
    {
        var longest = new string('r', InputRules.MaxIdLength);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/couriers/{longest}")).StatusCode);

        var (status, problem, _) = await Http.SendJson(HttpMethod.Get, $"/api/couriers/{longest}r");
        AssertProblemFor(status, problem, "courierId");
    }

    public static TheoryData<string, string, string> BadIdsInPaths => new()
    {
        { "GET", "/api/orders/%20", "orderId" },
        { "POST", "/api/orders/o-aaaaaaaaaaaaaaa%01/cancel", "orderId" },
        { "POST", "/api/orders/%E2%80%8B/requeue", "orderId" },
        { "GET", "/api/stalls/%20/tickets", "stallId" },
        { "POST", "/api/stalls/amsa-chaeso/tickets/o-a%07-t1/confirm", "ticketId" },
        { "GET", "/api/markets/%20/catalog", "marketId" },
        { "GET", "/api/markets/amsa/orders?slotId=%00", "slotId" },
        { "GET", "/api/markets/%09/dispatch", "marketId" },
        { "POST", "/api/markets/%20/dispatch/plan", "marketId" },
    };

    [Theory]
    [MemberData(nameof(BadIdsInPaths))]
    public async Task A_blank_or_control_character_id_in_any_path_is_a_400_naming_it(string method, string path, string field)
    {
        var body = method == "GET" ? null : new { lines = new[] { new { sku = "daepa", pickedQuantity = 1 } }, reason = "x" };
        var (status, problem, _) = await Http.SendJson(new HttpMethod(method), path, body);
        AssertProblemFor(status, problem, field);
    }

    public static TheoryData<string, string> BadOrderFields => new()
    {
        { "customerId", "c-\u0000" },
        { "marketId", " " },
        { "slotId", "2026-11-23-1500\u0000" },
        { "deliveryAddress.text", "101동\u00001203호" },
        { "lines[0].stallId", "amsa\u001bchaeso" },
        { "lines[0].sku", "" },
        { "lines[0].substitution.sku", "jjok\u0000pa" },
    };

    [Theory]
    [MemberData(nameof(BadOrderFields))]
    public async Task A_NUL_blank_or_control_character_in_an_order_is_a_400_naming_the_field(string field, string value)
    {
        var slot = await Baskets.OpenSlot(Http);
        var order = Baskets.With(slot, "customerId", "hostile-customer");
        var (target, name) = field switch
        {
            "deliveryAddress.text" => (order["deliveryAddress"]!.AsObject(), "text"),
            "lines[0].stallId" or "lines[0].sku" => (order["lines"]![0]!.AsObject(), field[9..]),
            "lines[0].substitution.sku" => (order["lines"]![0]!["substitution"]!.AsObject(), "sku"),
            _ => (order, field),
        };
        target[name] = value;

        var (status, problem, _) = await Http.PostJson("/api/orders", order, idempotencyKey: $"hostile-{field}");

        AssertProblemFor(status, problem, field);
    }

    [Fact]
    public async Task A_null_line_is_a_400_naming_it_and_an_address_may_span_lines()
    {
        var slot = await Baskets.OpenSlot(Http);
        var withNullLine = Baskets.With(slot, "lines", new JsonArray(null, JsonNode.Parse("""{"stallId":"amsa-chaeso","sku":"daepa","quantity":1}""")));
        var (status, problem, _) = await Http.PostJson("/api/orders", withNullLine, idempotencyKey: "null-line");
        AssertProblemFor(status, problem, "lines[0]");

        var twoLines = Baskets.With(slot, "deliveryAddress", JsonNode.Parse("""{"lat":37.5535,"lon":127.1290,"text":"서울 강동구 암사동\n101동 1203호\t(경비실)"}"""));
        Assert.Equal(HttpStatusCode.Created, (await Http.PostJson("/api/orders", twoLines, idempotencyKey: "two-line-address")).Status);
    }

    [Fact]
    public async Task Control_characters_in_courier_texts_are_a_400_naming_the_field()
    {
        await RegisterCourier("texty-rider");
        var (status, problem, _) = await Http.PostJson("/api/couriers/texty-rider/failed", new { orderId = "o-aaaaaaaaaaaaaaaa", reason = "no\u0000body" });
        AssertProblemFor(status, problem, "reason");

        (status, problem, _) = await Http.PostJson("/api/couriers/texty-rider/delivered", new { orderId = "o-aaaaaaaaaaaaaaaa", photoRef = "img\u0001" });
        AssertProblemFor(status, problem, "photoRef");

        (status, problem, _) = await Http.SendJson(HttpMethod.Put, "/api/couriers/texty-rider", new
        {
            name = "박\u0000배달", district = "강동구", mode = "walk", capacityGrams = 1000, capacityBags = 1, marketIds = new[] { "amsa", "" },
        });
        AssertProblemFor(status, problem, "name");
        Assert.True(problem!["errors"]!.AsObject().ContainsKey("marketIds[1]"), problem.ToJsonString());
    }

    [Fact]
    public async Task Hub_methods_refuse_bad_ids_with_a_hub_error_and_the_connection_stays_usable()
    {
        await using var client = await HubClient.Connect(fixture.Server);
        foreach (var method in new[] { nameof(MarketHub.JoinCourier), nameof(MarketHub.JoinStall), nameof(MarketHub.FollowOrder), nameof(MarketHub.JoinMarket), nameof(MarketHub.LeaveCourier) })
        {
            foreach (var bad in new[] { " ", "", "a\u0000b", new string('x', 101) })
            {
                var error = await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync(method, bad));
                Assert.Contains("Id", error.Message, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.Equal(HubConnectionState.Connected, client.State);
        await client.InvokeAsync(nameof(MarketHub.JoinMarket), Baskets.Market);
    }

    private async Task RegisterCourier(string courierId)
    {
        var (status, body, _) = await Http.SendJson(HttpMethod.Put, $"/api/couriers/{courierId}", new
        {
            name = "x", district = "강동구", mode = "walk", capacityGrams = 8000, capacityBags = 2, marketIds = new[] { "amsa" },
        });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
    }

    private static void AssertProblemFor(HttpStatusCode status, JsonNode? problem, string field)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400 for {field}, got {(int)status}: {problem?.ToJsonString()}");
        Assert.Equal(400, (int)problem!["status"]!);
        Assert.True(problem["errors"]?.AsObject().ContainsKey(field) == true, $"expected an error for '{field}': {problem.ToJsonString()}");
    }
}
