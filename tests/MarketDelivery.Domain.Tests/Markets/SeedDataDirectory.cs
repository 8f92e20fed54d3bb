using System.Globalization;
using System.Text.Json.Nodes;

namespace MarketDelivery.Domain.Tests.Markets;

/// <summary>A throw-away data directory with a small, valid market that tests can break.</summary>
internal sealed class SeedDataDirectory : IDisposable
{
    public SeedDataDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "md-seed-" + Guid.NewGuid().ToString("N"));
        MarketsDir = Path.Combine(Root, "markets");
        Directory.CreateDirectory(MarketsDir);
    }

    public string Root { get; }

    public string MarketsDir { get; }

    /// <summary>A valid market around (37.50, 127.00) whose area is a ±0.01° square.</summary>
    public static JsonObject ValidMarket(string id = "alpha") => new()
    {
        ["id"] = id,
        ["name"] = "알파시장",
        ["district"] = "테스트구",
        ["address"] = "서울특별시 테스트구 알파로 1",
        ["location"] = new JsonObject { ["lat"] = 37.5, ["lon"] = 127.0 },
        ["handOverPoint"] = new JsonObject { ["lat"] = 37.5005, ["lon"] = 127.0005, ["description"] = "고객센터 앞" },
        ["serviceArea"] = id + ".area.geojson",
        ["timeZone"] = "Asia/Seoul",
        ["openingHours"] = new JsonObject { ["opens"] = "09:00", ["closes"] = "21:00" },
        ["deliverySlots"] = new JsonArray(
            new JsonObject { ["id"] = "1100", ["start"] = "11:00", ["end"] = "13:00", ["cutoff"] = "10:00" },
            new JsonObject { ["id"] = "1300", ["start"] = "13:00", ["end"] = "15:00", ["cutoff"] = "12:00" }),
        ["stalls"] = new JsonArray(
            new JsonObject
            {
                ["id"] = id + "-chaeso",
                ["name"] = "알파야채",
                ["category"] = "채소",
                ["products"] = new JsonArray(
                    new JsonObject { ["sku"] = "daepa", ["name"] = "대파", ["unit"] = "1단", ["priceWon"] = 2500, ["weightGrams"] = 700, ["available"] = true },
                    new JsonObject { ["sku"] = "jjokpa", ["name"] = "쪽파", ["unit"] = "1단", ["priceWon"] = 3500, ["weightGrams"] = 500, ["available"] = false, ["stock"] = 0 }),
            },
            new JsonObject
            {
                ["id"] = id + "-tteok",
                ["name"] = "알파떡집",
                ["category"] = "떡",
                ["products"] = new JsonArray(
                    new JsonObject { ["sku"] = "garaetteok", ["name"] = "가래떡", ["unit"] = "1kg", ["priceWon"] = 6000, ["weightGrams"] = 1000, ["available"] = true, ["stock"] = 5 }),
            }),
    };

    /// <summary>Counter-clockwise square ring ±<paramref name="half"/> degrees around (lat, lon).</summary>
    public static double[][] Square(double lat = 37.5, double lon = 127.0, double half = 0.01) =>
    [
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half], [lon - half, lat - half],
    ];

    public void WriteMarket(JsonObject market, string? fileId = null)
    {
        var id = fileId ?? (string)market["id"]!;
        Write(id + ".json", market.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    public void WriteArea(string id, double[][] ring, string geometryType = "Polygon")
    {
        var coordinates = string.Join(", ", ring.Select(c => string.Create(CultureInfo.InvariantCulture, $"[{c[0]}, {c[1]}]")));
        var geometry = geometryType == "Polygon"
            ? $$"""{ "type": "Polygon", "coordinates": [[{{coordinates}}]] }"""
            : $$"""{ "type": "LineString", "coordinates": [{{coordinates}}] }""";
        Write(id + ".area.geojson", $$"""
            { "type": "FeatureCollection", "features": [
              { "type": "Feature", "properties": {}, "geometry": {{geometry}} }
            ] }
            """);
    }

    /// <summary>Writes a valid market and its area.</summary>
    public void WriteValid(string id = "alpha")
    {
        WriteMarket(ValidMarket(id));
        WriteArea(id, Square());
    }

    public void Write(string fileName, string text) => File.WriteAllText(Path.Combine(MarketsDir, fileName), text);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
