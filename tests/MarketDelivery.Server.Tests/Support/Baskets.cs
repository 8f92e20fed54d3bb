using System.Text.Json.Nodes;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>Orders built from the real seed data, as a customer app would send them.</summary>
public static class Baskets
{
    public const string Market = "amsa";
    public const string OtherMarket = "mangwon";

    /// <summary>A door inside 암사종합시장's delivery area.</summary>
    public static readonly object InsideAddress = new { lat = 37.5535, lon = 127.1290, text = "서울 강동구 암사동 101동 1203호" };

    /// <summary>Gangnam station: far outside 암사's area.</summary>
    public static readonly object OutsideAddress = new { lat = 37.4979, lon = 127.0276, text = "서울 강남구 강남대로 396" };

    /// <summary>The first slot still bookable at the server's time.</summary>
    public static async Task<string> OpenSlot(HttpClient http, string marketId = Market)
    {
        var markets = (await http.GetJson("/api/markets")).AsArray();
        var market = markets.Single(m => (string)m!["id"]! == marketId)!;
        return (string)market["slots"]!.AsArray().First()!["slotId"]!;
    }

    /// <summary>Two products of one stall (the first a specific-substitution line) and one of another stall.</summary>
    public static object TwoStallOrder(string slotId, string customerId = "customer-1", object? address = null) => new
    {
        customerId,
        marketId = Market,
        slotId,
        deliveryAddress = address ?? InsideAddress,
        lines = new object[]
        {
            new { stallId = "amsa-chaeso", sku = "daepa", quantity = 2, substitution = new { kind = "specific", sku = "jjokpa" } },
            new { stallId = "amsa-chaeso", sku = "gamja", quantity = 3, substitution = new { kind = "none" } },
            new { stallId = "amsa-gwail", sku = "sagwa-busa", quantity = 1, substitution = new { kind = "bestMatch" } },
        },
    };

    /// <summary>The same basket with one line replaced, for bad-input tests.</summary>
    public static JsonObject WithLine(string slotId, object line)
    {
        var order = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TwoStallOrder(slotId), MarketServer.Json))!.AsObject();
        order["lines"]!.AsArray()[0] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(line, MarketServer.Json));
        return order;
    }

    public static JsonObject With(string slotId, string field, JsonNode? value)
    {
        var order = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TwoStallOrder(slotId), MarketServer.Json))!.AsObject();
        order[field] = value;
        return order;
    }
}
