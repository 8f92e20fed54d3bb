using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>Every bad input gets a clear 4xx problem detail and changes nothing.</summary>
public sealed class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    public static TheoryData<string, string> BadOrders => new()
    {
        // case name, field the problem must name
        { "unknown market", "marketId" },
        { "unknown stall", "lines[0].stallId" },
        { "stall of another market", "lines[0].stallId" },
        { "unknown sku", "lines[0].sku" },
        { "unavailable product", "lines[0].sku" },
        { "quantity zero", "lines[0].quantity" },
        { "negative quantity", "lines[0].quantity" },
        { "absurd quantity", "lines[0].quantity" },
        { "empty order", "lines" },
        { "address outside the service area", "deliveryAddress" },
        { "slot past its cut-off", "slotId" },
        { "unknown slot", "slotId" },
        { "malformed slot", "slotId" },
        { "slot of next week", "slotId" },
        { "substitute that does not exist", "lines[0].substitution.sku" },
        { "same line twice", "lines[1].sku" },
        { "missing customer", "customerId" },
    };

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task A_bad_order_is_a_400_problem_naming_the_field_and_nothing_is_stored(string name, string field)
    {
        var slot = await Baskets.OpenSlot(Http);
        var before = await OrdersOnBoard();
        var body = BadOrder(name, slot);

        var (status, problem, response) = await Http.PostJson("/api/orders", body, idempotencyKey: $"bad-{name}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(400, (int)problem!["status"]!);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"{name}: expected an error for '{field}', got {problem.ToJsonString()}");
        Assert.Equal(before, await OrdersOnBoard());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var (status, problem, _) = await Http.PostJson("/api/orders", "{\"customerId\": \"c\", \"lines\": [", idempotencyKey: "malformed");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not valid JSON", (string)problem!["detail"]!);
    }

    [Fact]
    public async Task A_wrongly_typed_field_is_a_400_problem()
    {
        var slot = await Baskets.OpenSlot(Http);
        var body = Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "daepa", quantity = "two" });
        var (status, problem, _) = await Http.PostJson("/api/orders", body, idempotencyKey: "wrong-type");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("quantity", (string)problem!["detail"]!);
    }

    [Fact]
    public async Task An_unknown_substitution_kind_is_a_400_problem()
    {
        var slot = await Baskets.OpenSlot(Http);
        var body = Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "daepa", quantity = 1, substitution = new { kind = "anything" } });
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/orders", body, idempotencyKey: "unknown-kind")).Status);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem()
    {
        var huge = "{\"customerId\":\"" + new string('x', 600_000) + "\"}";
        // The client announces the body and waits for the go-ahead (Expect: 100-continue), as a large upload should.
        // The server refuses on the announced length without asking for the body. Sent straight away, the body could
        // still be on its way when the server answered and closed, and the client failed with a broken pipe.
        using var http = TestTokens.Client(fixture.Server.BaseAddress, TestTokens.Admin);
        http.DefaultRequestHeaders.ExpectContinue = true;

        var (status, problem, _) = await http.PostJson("/api/orders", huge, idempotencyKey: "huge");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(413, (int)problem!["status"]!);
    }

    [Fact]
    public async Task A_missing_body_is_a_400_problem()
    {
        var (status, problem, _) = await Http.PostJson("/api/orders", "", idempotencyKey: "empty");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, (int)problem!["status"]!);
    }

    [Fact]
    public async Task An_empty_idempotency_key_is_refused()
    {
        var slot = await Baskets.OpenSlot(Http);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Baskets.TwoStallOrder(slot), options: MarketServer.Json),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 201));
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Unknown_orders_stalls_and_tickets_are_404_problems()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/orders/o-aaaaaaaaaaaaaaaa")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/orders/not-an-order")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/stalls/nope/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/markets/nope/orders")).StatusCode);
        var confirm = new { lines = new object[] { new { sku = "daepa", pickedQuantity = 1 } } };
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson("/api/stalls/amsa-chaeso/tickets/o-aaaaaaaaaaaaaaaa-t1/confirm", confirm)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson("/api/stalls/amsa-chaeso/tickets/garbage/confirm", confirm)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson("/api/stalls/nope/tickets/garbage/confirm", confirm)).Status);
    }

    [Fact]
    public async Task A_bad_ticket_status_filter_is_a_400_problem()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/api/stalls/amsa-chaeso/tickets?status=eaten")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/api/stalls/amsa-chaeso/tickets?status=1")).StatusCode);
    }

    [Fact]
    public async Task Confirming_a_ticket_of_another_stall_is_refused_and_changes_nothing()
    {
        var slot = await Baskets.OpenSlot(Http);
        var (_, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, "cross-stall"));
        var vegTicket = (string)placed!["tickets"]![0]!["ticketId"]!;

        var (status, problem, _) = await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{vegTicket}/confirm",
            new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3 } } });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("amsa-gwail", (string)problem!["detail"]!);
        var order = await Http.GetJson($"/api/orders/{placed["orderId"]}");
        Assert.Equal("placed", (string)order["status"]!);
    }

    public static TheoryData<string, object[]> BadConfirmations => new()
    {
        { "missing line", [new { sku = "daepa", pickedQuantity = 2 }] },
        { "more than ordered", [new { sku = "daepa", pickedQuantity = 3 }, new { sku = "gamja", pickedQuantity = 3 }] },
        { "negative", [new { sku = "daepa", pickedQuantity = -1 }, new { sku = "gamja", pickedQuantity = 3 }] },
        { "unknown sku", [new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3 }, new { sku = "ginseng", pickedQuantity = 1 }] },
        { "substitute refused by customer", [new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3, substituteSku = "goguma" }] },
        { "other substitute than the one named", [new { sku = "daepa", pickedQuantity = 2, substituteSku = "gamja" }, new { sku = "gamja", pickedQuantity = 3 }] },
    };

    [Theory]
    [MemberData(nameof(BadConfirmations))]
    public async Task A_bad_confirmation_is_a_400_problem_and_the_ticket_stays_open(string name, object[] lines)
    {
        var slot = await Baskets.OpenSlot(Http);
        var (_, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, $"confirm-{name.Replace(' ', '-')}"));
        var ticket = (string)placed!["tickets"]![0]!["ticketId"]!;

        var (status, problem, _) = await Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{ticket}/confirm", new { lines });

        Assert.True(status == HttpStatusCode.BadRequest, $"{name}: {(int)status} {problem?.ToJsonString()}");
        Assert.Contains((await Http.GetJson("/api/stalls/amsa-chaeso/tickets?status=open")).AsArray(), t => (string)t!["ticketId"]! == ticket);
    }

    private async Task<int> OrdersOnBoard() => (await Http.GetJson($"/api/markets/{Baskets.Market}/orders")).AsArray().Count;

    private static JsonObject BadOrder(string name, string slot) => name switch
    {
        "unknown market" => Baskets.With(slot, "marketId", "atlantis"),
        "unknown stall" => Baskets.WithLine(slot, new { stallId = "amsa-caviar", sku = "daepa", quantity = 1 }),
        "stall of another market" => Baskets.WithLine(slot, new { stallId = "mangwon-chaeso", sku = "daepa", quantity = 1 }),
        "unknown sku" => Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "truffle", quantity = 1 }),
        "unavailable product" => Baskets.WithLine(slot, new { stallId = "amsa-tteok", sku = "baekseolgi", quantity = 1 }),
        "quantity zero" => Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "daepa", quantity = 0 }),
        "negative quantity" => Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "daepa", quantity = -3 }),
        "absurd quantity" => Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "jjokpa", quantity = 5000 }),
        "empty order" => Baskets.With(slot, "lines", new JsonArray()),
        "address outside the service area" => Baskets.With(slot, "deliveryAddress", JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Baskets.OutsideAddress))),
        "slot past its cut-off" => Baskets.With(slot, "slotId", "2026-11-23-1100"),
        "unknown slot" => Baskets.With(slot, "slotId", "2026-11-23-0400"),
        "malformed slot" => Baskets.With(slot, "slotId", "tomorrow-ish"),
        "slot of next week" => Baskets.With(slot, "slotId", "2026-11-30-1500"),
        "substitute that does not exist" => Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "daepa", quantity = 1, substitution = new { kind = "specific", sku = "caviar" } }),
        "same line twice" => Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "gamja", quantity = 1 }),
        "missing customer" => Baskets.With(slot, "customerId", null),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
