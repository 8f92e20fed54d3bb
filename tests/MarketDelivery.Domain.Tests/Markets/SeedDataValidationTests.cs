using System.Text.Json.Nodes;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Domain.Tests.Markets;

/// <summary>Broken seed data is rejected with a message naming the file and the problem.</summary>
public sealed class SeedDataValidationTests : IDisposable
{
    private readonly SeedDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private SeedDataException LoadFails() =>
        Assert.Throws<SeedDataException>(() => SeedDataLoader.Load(_dir.Root));

    private static JsonObject Stall(JsonObject market, int index) => market["stalls"]![index]!.AsObject();

    private static JsonObject Product(JsonObject market, int stall, int index) =>
        Stall(market, stall)["products"]![index]!.AsObject();

    private static JsonObject Slot(JsonObject market, int index) => market["deliverySlots"]![index]!.AsObject();

    [Fact]
    public void The_valid_template_loads()
    {
        _dir.WriteValid();

        var catalog = SeedDataLoader.Load(_dir.Root);

        var market = Assert.Single(catalog.Markets);
        Assert.Equal("alpha", market.Id);
        Assert.Equal(2, market.Stalls.Count);
        Assert.Equal(5, market.FindStall("alpha-tteok")!.FindProduct("garaetteok")!.Stock);
        Assert.Null(market.FindStall("alpha-chaeso")!.FindProduct("daepa")!.Stock);
        Assert.Equal(new TimeOnly(12, 0), market.Slots[1].Cutoff);
    }

    [Theory]
    [InlineData("missing-name", "name is missing")]
    [InlineData("empty-address", "address is empty")]
    [InlineData("missing-location", "location is missing")]
    [InlineData("missing-lat", "location.lat is missing")]
    [InlineData("bad-lat", "not a valid WGS84")]
    [InlineData("missing-description", "handOverPoint.description is missing")]
    [InlineData("zero-price", "stalls[0] ('alpha-chaeso').products[0] ('daepa').priceWon must be > 0 (was 0)")]
    [InlineData("negative-price", "priceWon must be > 0 (was -100)")]
    [InlineData("zero-weight", "weightGrams must be > 0")]
    [InlineData("missing-available", "available is missing")]
    [InlineData("negative-stock", "stock must not be negative")]
    [InlineData("duplicate-sku", "duplicate sku 'daepa'")]
    [InlineData("bad-sku", "sku must be a lowercase ascii slug")]
    [InlineData("duplicate-stall", "duplicate stall id 'alpha-chaeso'")]
    [InlineData("stall-prefix", "must be a lowercase ascii slug starting with 'alpha-'")]
    [InlineData("no-stalls", "market has no stalls")]
    [InlineData("missing-stalls", "stalls is missing")]
    [InlineData("no-products", "has no products")]
    [InlineData("bad-time", "deliverySlots[0] ('1100').start '11시' is not a time of the form HH:mm")]
    [InlineData("hour-out-of-range", "'25:00' is not a time of the form HH:mm")]
    [InlineData("end-before-start", "end 11:00 must be after start 11:00")]
    [InlineData("cutoff-after-start", "cutoff 11:30 is after start 11:00")]
    [InlineData("slot-after-closing", "outside opening hours")]
    [InlineData("duplicate-slot", "duplicate delivery slot id '1100'")]
    [InlineData("no-slots", "deliverySlots is empty")]
    [InlineData("closes-before-opens", "openingHours.closes (08:00) must be after opens (09:00)")]
    [InlineData("unknown-zone", "timeZone 'Mars/Olympus_Mons' is not a known time zone")]
    [InlineData("id-mismatch", "id 'beta' does not match the file name (expected 'alpha')")]
    [InlineData("id-not-slug", "must be a lowercase ascii slug")]
    [InlineData("location-outside", "location (37.6, 127) lies outside the service area")]
    [InlineData("hand-over-outside", "handOverPoint (37.52, 127.0005) lies outside the service area")]
    [InlineData("area-file-missing", "service area file 'markets/nowhere.area.geojson' not found")]
    [InlineData("area-path", "must be a file name in the same folder")]
    [InlineData("unknown-property", "unknown property 'pricewon'")]
    [InlineData("wrong-type", "invalid JSON")]
    public void Invalid_market_file_is_reported_with_file_and_problem(string breakage, string expected)
    {
        var market = SeedDataDirectory.ValidMarket();
        Break(market, breakage);
        _dir.WriteMarket(market, "alpha");
        _dir.WriteArea("alpha", SeedDataDirectory.Square());

        var ex = LoadFails();

        Assert.Equal("markets/alpha.json", ex.File);
        Assert.StartsWith("markets/alpha.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static void Break(JsonObject m, string breakage)
    {
        switch (breakage)
        {
            case "missing-name": m.Remove("name"); break;
            case "empty-address": m["address"] = "  "; break;
            case "missing-location": m.Remove("location"); break;
            case "missing-lat": m["location"]!.AsObject().Remove("lat"); break;
            case "bad-lat": m["location"]!["lat"] = 137.5; break;
            case "missing-description": m["handOverPoint"]!.AsObject().Remove("description"); break;
            case "zero-price": Product(m, 0, 0)["priceWon"] = 0; break;
            case "negative-price": Product(m, 0, 0)["priceWon"] = -100; break;
            case "zero-weight": Product(m, 1, 0)["weightGrams"] = 0; break;
            case "missing-available": Product(m, 0, 1).Remove("available"); break;
            case "negative-stock": Product(m, 1, 0)["stock"] = -1; break;
            case "duplicate-sku": Product(m, 0, 1)["sku"] = "daepa"; break;
            case "bad-sku": Product(m, 0, 1)["sku"] = "Jjok Pa"; break;
            case "duplicate-stall": Stall(m, 1)["id"] = "alpha-chaeso"; break;
            case "stall-prefix": Stall(m, 1)["id"] = "tteok"; break;
            case "no-stalls": m["stalls"] = new JsonArray(); break;
            case "missing-stalls": m.Remove("stalls"); break;
            case "no-products": Stall(m, 1)["products"] = new JsonArray(); break;
            case "bad-time": Slot(m, 0)["start"] = "11시"; break;
            case "hour-out-of-range": Slot(m, 1)["end"] = "25:00"; break;
            case "end-before-start": Slot(m, 0)["end"] = "11:00"; break;
            case "cutoff-after-start": Slot(m, 0)["cutoff"] = "11:30"; break;
            case "slot-after-closing": Slot(m, 1)["end"] = "21:30"; break;
            case "duplicate-slot": Slot(m, 1)["id"] = "1100"; break;
            case "no-slots": m["deliverySlots"] = new JsonArray(); break;
            case "closes-before-opens": m["openingHours"]!["closes"] = "08:00"; break;
            case "unknown-zone": m["timeZone"] = "Mars/Olympus_Mons"; break;
            case "id-mismatch": m["id"] = "beta"; break;
            case "id-not-slug": m["id"] = "Alpha"; break;
            case "location-outside": m["location"] = new JsonObject { ["lat"] = 37.6, ["lon"] = 127.0 }; break;
            case "hand-over-outside": m["handOverPoint"]!["lat"] = 37.52; break;
            case "area-file-missing": m["serviceArea"] = "nowhere.area.geojson"; break;
            case "area-path": m["serviceArea"] = "../alpha.area.geojson"; break;
            case "unknown-property":
                var product = Product(m, 0, 0);
                product.Remove("priceWon");
                product["pricewon"] = 2500;
                break;
            case "wrong-type": Product(m, 0, 0)["priceWon"] = "이천오백원"; break;
            default: throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }
    }

    [Fact]
    public void Json_syntax_error_is_reported_with_its_line()
    {
        _dir.Write("alpha.json", "{\n  \"id\": \"alpha\",\n  \"name\": \"알파시장\"\n  \"district\": \"테스트구\"\n}\n");
        _dir.WriteArea("alpha", SeedDataDirectory.Square());

        var ex = LoadFails();

        Assert.Equal("markets/alpha.json", ex.File);
        Assert.Contains("invalid JSON at line 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_type_is_reported_with_the_json_path()
    {
        var market = SeedDataDirectory.ValidMarket();
        Product(market, 0, 0)["priceWon"] = "이천오백원";
        _dir.WriteMarket(market);
        _dir.WriteArea("alpha", SeedDataDirectory.Square());

        var ex = LoadFails();

        Assert.Contains("$.stalls[0].products[0].priceWon", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected a whole number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_document_is_rejected()
    {
        _dir.Write("alpha.json", "null");

        Assert.Contains("JSON null", LoadFails().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_stall_id_across_markets_names_the_second_file()
    {
        _dir.WriteValid("alpha");
        var beta = SeedDataDirectory.ValidMarket("beta");
        Stall(beta, 1)["id"] = "beta-tteok";
        _dir.WriteMarket(beta);
        _dir.WriteArea("beta", SeedDataDirectory.Square());
        // A stall id can only collide across markets if it ignores the prefix rule, so break that in a third way:
        // both markets are valid on their own, the catalogue refuses a shared id.
        var catalog = SeedDataLoader.Load(_dir.Root);
        Assert.Equal(2, catalog.Markets.Count);

        var clash = new[] { catalog.Markets[0], catalog.Markets[1] with { Stalls = catalog.Markets[0].Stalls } };
        var ex = Assert.Throws<ArgumentException>(() => new MarketCatalog(clash));
        Assert.Contains("Duplicate stall id 'alpha-chaeso'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_markets_folder_is_rejected()
    {
        var ex = LoadFails();

        Assert.Equal("markets", ex.File);
        Assert.Contains("no market files", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_markets_folder_is_rejected()
    {
        Directory.Delete(_dir.MarketsDir);

        Assert.Contains("directory not found", LoadFails().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_second_market_is_named_even_when_the_first_is_fine()
    {
        _dir.WriteValid("alpha");
        var beta = SeedDataDirectory.ValidMarket("beta");
        Product(beta, 1, 0)["priceWon"] = 0;
        _dir.WriteMarket(beta);
        _dir.WriteArea("beta", SeedDataDirectory.Square());

        var ex = LoadFails();

        Assert.Equal("markets/beta.json", ex.File);
        Assert.Contains("('garaetteok').priceWon must be > 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clockwise_area_is_rejected()
    {
        _dir.WriteMarket(SeedDataDirectory.ValidMarket());
        _dir.WriteArea("alpha", [.. SeedDataDirectory.Square().Reverse()]);

        var ex = LoadFails();

        Assert.Equal("markets/alpha.area.geojson", ex.File);
        Assert.Contains("counter-clockwise", ex.Message, StringComparison.Ordinal);
        Assert.Contains("service area of markets/alpha.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_intersecting_area_is_rejected()
    {
        _dir.WriteMarket(SeedDataDirectory.ValidMarket());
        // A bow tie: the two diagonals cross at the market.
        _dir.WriteArea("alpha", [[126.99, 37.49], [127.01, 37.51], [127.01, 37.49], [126.99, 37.51], [126.99, 37.49]]);

        var ex = LoadFails();

        Assert.Equal("markets/alpha.area.geojson", ex.File);
        Assert.Contains("not a valid polygon", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_ring_is_rejected()
    {
        _dir.WriteMarket(SeedDataDirectory.ValidMarket());
        _dir.WriteArea("alpha", SeedDataDirectory.Square()[..4]);

        var ex = LoadFails();

        Assert.Equal("markets/alpha.area.geojson", ex.File);
        Assert.Contains("closed", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Area_that_is_not_a_polygon_is_rejected()
    {
        _dir.WriteMarket(SeedDataDirectory.ValidMarket());
        _dir.WriteArea("alpha", SeedDataDirectory.Square(), geometryType: "LineString");

        var ex = LoadFails();

        Assert.Equal("markets/alpha.area.geojson", ex.File);
        Assert.Contains("must be a Polygon", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Area_with_two_features_is_rejected()
    {
        _dir.WriteMarket(SeedDataDirectory.ValidMarket());
        _dir.Write("alpha.area.geojson", """
            { "type": "FeatureCollection", "features": [
              { "type": "Feature", "properties": {}, "geometry": { "type": "Point", "coordinates": [127.0, 37.5] } },
              { "type": "Feature", "properties": {}, "geometry": { "type": "Point", "coordinates": [127.0, 37.5] } }
            ] }
            """);

        var ex = LoadFails();

        Assert.Equal("markets/alpha.area.geojson", ex.File);
        Assert.Contains("exactly one Feature (found 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Area_with_bad_json_is_rejected_with_its_line()
    {
        _dir.WriteMarket(SeedDataDirectory.ValidMarket());
        _dir.Write("alpha.area.geojson", "{ \"type\": \"FeatureCollection\",\n  \"features\": [ }\n");

        var ex = LoadFails();

        Assert.Equal("markets/alpha.area.geojson", ex.File);
        Assert.Contains("invalid JSON at line 2", ex.Message, StringComparison.Ordinal);
    }
}
