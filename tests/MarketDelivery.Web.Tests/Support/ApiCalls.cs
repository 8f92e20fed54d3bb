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

    /// <summary>Staff of 암사종합시장 register a courier for the market (couriers do not register themselves).</summary>
    public static async Task RegisterCourier(HttpClient http, string courierId)
    {
        var staff = await DevToken(http, "staff", "amsa");
        await Send(http, HttpMethod.Put, $"/api/couriers/{courierId}", staff, new
        {
            name = courierId,
            district = "강동구",
            mode = "scooter",
            capacityGrams = 20000,
            capacityBags = 6,
            marketIds = new[] { "amsa" },
            skills = Array.Empty<string>(),
        });
    }

    /// <summary>A customer orders one line from a stall of 암사종합시장 for the first bookable slot; returns the order.</summary>
    public static async Task<JsonNode> PlaceOrder(HttpClient http, string customerId, string stallId, string sku)
    {
        var token = await DevToken(http, "customer", customerId);
        var market = (await http.GetJson("/api/markets")).AsArray().Single(m => (string)m!["id"]! == "amsa")!;
        return await Send(http, HttpMethod.Post, "/api/orders", token, new
        {
            customerId,
            marketId = "amsa",
            slotId = (string)market["slots"]![0]!["slotId"]!,
            deliveryAddress = new { lat = (double)market["location"]!["lat"]! + 0.002, lon = (double)market["location"]!["lon"]! + 0.002, text = "서울 강동구 암사동 1" },
            lines = new[] { new { stallId, sku, quantity = 1, substitution = new { kind = "none" } } },
        }, Guid.NewGuid().ToString("N"));
    }
}
