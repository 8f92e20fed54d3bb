using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Web.Tests.Support;

/// <summary>What another user does meanwhile, through the HTTP API with a Development token for their role.</summary>
public static class ApiCalls
{
    public static async Task<string> DevToken(HttpClient http, string role, string id)
    {
        var (status, body, _) = await http.PostJson("/api/dev/tokens", new { role, id });
        Assert.Equal(HttpStatusCode.OK, status);
        return (string)body!["accessToken"]!;
    }

    public static async Task<JsonNode> Send(HttpClient http, HttpMethod method, string path, string token, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: MarketServer.Json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>
    /// Staff register a courier for their market, 암사종합시장 unless named (couriers do not register themselves); a
    /// courier of several markets of the district is registered by an admin, as staff may name only their own market.
    /// </summary>
    public static async Task RegisterCourier(HttpClient http, string courierId, params string[] marketIds)
    {
        if (marketIds.Length == 0)
        {
            marketIds = ["amsa"];
        }

        var registrar = marketIds.Length == 1 ? await DevToken(http, "staff", marketIds[0]) : await DevToken(http, "admin", "test-admin");
        await Send(http, HttpMethod.Put, $"/api/couriers/{courierId}", registrar, new
        {
            name = courierId,
            district = "강동구",
            mode = "scooter",
            capacityGrams = 20000,
            capacityBags = 6,
            marketIds,
            skills = Array.Empty<string>(),
        });
    }

    /// <summary>
    /// A customer orders one line from a stall of the market (암사종합시장 unless named) for its first bookable slot,
    /// delivered just beside the market; returns the order.
    /// </summary>
    public static async Task<JsonNode> PlaceOrder(HttpClient http, string customerId, string stallId, string sku, string marketId = "amsa")
    {
        var token = await DevToken(http, "customer", customerId);
        var market = (await http.GetJson("/api/markets")).AsArray().Single(m => (string)m!["id"]! == marketId)!;
        return await Send(http, HttpMethod.Post, "/api/orders", token, new
        {
            customerId,
            marketId,
            slotId = (string)market["slots"]![0]!["slotId"]!,
            deliveryAddress = new { lat = (double)market["location"]!["lat"]! + 0.002, lon = (double)market["location"]!["lon"]! + 0.002, text = marketId == "amsa" ? "서울 강동구 암사동 1" : $"{(string)market["name"]!} 앞" },
            lines = new[] { new { stallId, sku, quantity = 1, substitution = new { kind = "none" } } },
        }, Guid.NewGuid().ToString("N"));
    }

    /// <summary>The merchant of the order's one stall confirms its one line picked in full (an order of <see cref="PlaceOrder"/>).</summary>
    public static async Task ConfirmPicked(HttpClient http, JsonNode order, string sku)
    {
        var ticket = order["tickets"]![0]!;
        var stallId = (string)ticket["stallId"]!;
        var merchant = await DevToken(http, "merchant", stallId);
        await Send(http, HttpMethod.Post, $"/api/stalls/{stallId}/tickets/{ticket["ticketId"]}/confirm", merchant,
            new { lines = new[] { new { sku, pickedQuantity = 1 } } });
    }
}
