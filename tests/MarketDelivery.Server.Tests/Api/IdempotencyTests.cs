using System.Net;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>The same Idempotency-Key returns the same order, never a second one, also after a restart.</summary>
public sealed class IdempotencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task The_same_key_and_body_return_the_same_order()
    {
        var slot = await Baskets.OpenSlot(Http);
        var order = Baskets.TwoStallOrder(slot, "retrier");
        var before = (await Http.GetJson($"/api/markets/{Baskets.Market}/orders")).AsArray().Count;

        var (first, a, firstResponse) = await Http.PostJson("/api/orders", order, idempotencyKey: "retry-1");
        var (second, b, secondResponse) = await Http.PostJson("/api/orders", order, idempotencyKey: "retry-1");

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.Created, second);
        Assert.Equal((string)a!["orderId"]!, (string)b!["orderId"]!);
        Assert.False(firstResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", secondResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(before + 1, (await Http.GetJson($"/api/markets/{Baskets.Market}/orders")).AsArray().Count);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_422_and_creates_nothing()
    {
        var slot = await Baskets.OpenSlot(Http);
        var (_, a, _) = await Http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "reuser"), idempotencyKey: "reuse-1");
        var changed = Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "jjokpa", quantity = 1 });
        changed["customerId"] = "reuser";

        var (status, problem, _) = await Http.PostJson("/api/orders", changed, idempotencyKey: "reuse-1");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains((string)a!["orderId"]!, (string)problem!["detail"]!);
    }

    [Fact]
    public async Task Different_keys_make_different_orders()
    {
        var slot = await Baskets.OpenSlot(Http);
        var order = Baskets.TwoStallOrder(slot, "distinct");
        var ids = new List<string>();
        foreach (var key in new[] { "k-a", "k-b", "k-c" })
        {
            var (status, body, _) = await Http.PostJson("/api/orders", order, idempotencyKey: key);
            Assert.Equal(HttpStatusCode.Created, status);
            ids.Add((string)body!["orderId"]!);
        }

        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public async Task An_order_without_an_idempotency_key_is_a_400_problem_naming_the_header_and_creates_nothing()
    {
        var slot = await Baskets.OpenSlot(Http);
        var before = (await Http.GetJson($"/api/markets/{Baskets.Market}/orders")).AsArray().Count;

        var (status, problem, response) = await Http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "keyless"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("required", (string)problem!["errors"]!["Idempotency-Key"]![0]!);
        Assert.Equal(before, (await Http.GetJson($"/api/markets/{Baskets.Market}/orders")).AsArray().Count);

        var openApi = await Http.GetJson("/openapi/v1.json");
        Assert.Contains("Idempotency-Key header is required", (string)openApi["paths"]!["/api/orders"]!["post"]!["description"]!);
    }

    [Fact]
    public async Task A_retry_after_a_restart_returns_the_stored_order()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        string orderId;
        string slot;
        object order;
        await using (var first = new MarketServer(database.ConnectionString, clusterId: "restart"))
        {
            using var http = first.Start();
            slot = await Baskets.OpenSlot(http);
            order = Baskets.TwoStallOrder(slot, "restarter");
            var (status, body, _) = await http.PostJson("/api/orders", order, idempotencyKey: "across-restart");
            Assert.Equal(HttpStatusCode.Created, status);
            orderId = (string)body!["orderId"]!;
        }

        await using var second = new MarketServer(database.ConnectionString, clusterId: "restart");
        using var again = second.Start();
        var stored = await again.GetJson($"/api/orders/{orderId}");
        Assert.Equal("placed", (string)stored["status"]!);
        Assert.Equal(28_700, (long)stored["orderedTotalWon"]!);

        var (retry, replayed, response) = await again.PostJson("/api/orders", order, idempotencyKey: "across-restart");
        Assert.Equal(HttpStatusCode.Created, retry);
        Assert.Equal(orderId, (string)replayed!["orderId"]!);
        Assert.True(response.Headers.Contains("Idempotent-Replayed"));
        Assert.Single((await again.GetJson($"/api/markets/{Baskets.Market}/orders")).AsArray());
        Assert.Equal(2, (await again.GetJson("/api/stalls/amsa-chaeso/tickets?status=open")).AsArray().Count
            + (await again.GetJson("/api/stalls/amsa-gwail/tickets?status=open")).AsArray().Count);
    }
}
