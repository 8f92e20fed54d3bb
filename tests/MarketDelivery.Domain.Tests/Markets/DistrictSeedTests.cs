using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Domain.Tests.Markets;

/// <summary><c>districts.json</c> groups markets that share couriers; every other market is a district alone.</summary>
public sealed class DistrictSeedTests : IDisposable
{
    private readonly SeedDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void WriteTwoMarkets()
    {
        _dir.WriteValid("alpha");
        var beta = SeedDataDirectory.ValidMarket("beta");
        _dir.WriteMarket(beta);
        _dir.WriteArea("beta", SeedDataDirectory.Square());
        _dir.WriteValid("gamma");
    }

    private void WriteDistricts(string json) => File.WriteAllText(Path.Combine(_dir.Root, SeedDataLoader.DistrictsFile), json);

    [Fact]
    public void The_repository_seed_data_has_a_two_market_district_a_few_km_apart()
    {
        var catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());

        var shared = Assert.Single(catalog.Districts, d => d.MarketIds.Count > 1);
        Assert.Equal(["amsa", "gildong"], shared.MarketIds);
        Assert.Same(shared, catalog.DistrictOf("gildong"));
        var a = catalog.FindMarket("amsa")!.HandOverPoint.Location;
        var b = catalog.FindMarket("gildong")!.HandOverPoint.Location;
        Assert.InRange(Kilometres(a, b), 1, 5);
        // Every other market plans alone, under its own id.
        Assert.Equal(["mangwon"], catalog.DistrictOf("mangwon")!.MarketIds);
        Assert.Equal("mangwon", catalog.DistrictOf("mangwon")!.Id);
        Assert.Equal(catalog.Markets.Count, catalog.Districts.Sum(d => d.MarketIds.Count));
    }

    private static double Kilometres(GeoPoint a, GeoPoint b)
    {
        static double Rad(double deg) => deg * Math.PI / 180;
        var h = Math.Pow(Math.Sin(Rad(b.Lat - a.Lat) / 2), 2)
            + (Math.Cos(Rad(a.Lat)) * Math.Cos(Rad(b.Lat)) * Math.Pow(Math.Sin(Rad(b.Lon - a.Lon) / 2), 2));
        return 2 * 6371 * Math.Asin(Math.Sqrt(h));
    }

    [Fact]
    public void Without_a_districts_file_every_market_is_alone()
    {
        WriteTwoMarkets();

        var catalog = SeedDataLoader.Load(_dir.Root);

        Assert.Equal(["alpha", "beta", "gamma"], catalog.Districts.Select(d => d.Id));
        Assert.Null(catalog.DistrictOf("nowhere"));
    }

    [Fact]
    public void A_district_groups_its_markets_and_the_rest_stay_alone()
    {
        WriteTwoMarkets();
        WriteDistricts("""{ "districts": [ { "id": "east", "name": "동부 권역", "markets": ["alpha", "beta"] } ] }""");

        var catalog = SeedDataLoader.Load(_dir.Root);

        Assert.Equal(["east", "gamma"], catalog.Districts.Select(d => d.Id));
        Assert.Equal("east", catalog.DistrictOf("beta")!.Id);
        Assert.Equal("동부 권역", catalog.FindDistrict("east")!.Name);
        Assert.True(catalog.FindDistrict("east")!.Contains("alpha"));
    }

    [Theory]
    [InlineData("""{ "districts": [ { "id": "east", "name": "동부", "markets": ["alpha", "nowhere"] } ] }""", "district 'east' names unknown market 'nowhere'")]
    [InlineData("""{ "districts": [ { "id": "east", "name": "동부", "markets": [] } ] }""", "district 'east' has no markets")]
    [InlineData("""{ "districts": [ { "id": "East", "name": "동부", "markets": ["alpha"] } ] }""", "districts[0].id must be a lowercase ascii slug")]
    [InlineData("""{ "districts": [ { "id": "east", "markets": ["alpha"] } ] }""", "district 'east': name is missing")]
    [InlineData("""{ "districts": [ { "id": "gamma", "name": "동부", "markets": ["alpha"] } ] }""", "takes the id of market 'gamma'")]
    [InlineData("""{ "districts": [ { "id": "east", "name": "동부", "markets": ["alpha"] }, { "id": "west", "name": "서부", "markets": ["alpha"] } ] }""", "market 'alpha' is in two districts ('east' and 'west')")]
    [InlineData("""{ "districts": [ { "id": "east", "name": "동부", "markets": ["alpha"] }, { "id": "east", "name": "서부", "markets": ["beta"] } ] }""", "duplicate district id 'east'")]
    [InlineData("""{ "districts": [ { "id": "east", "name": "동부", "markets": ["alpha"], "couriers": 3 } ] }""", "unknown property 'couriers'")]
    [InlineData("""{ "districts": [ { "id": "east", "name": "동부", "markets": ["alpha"] } }""", "invalid JSON")]
    public void A_broken_districts_file_is_rejected_naming_the_problem(string json, string expected)
    {
        WriteTwoMarkets();
        WriteDistricts(json);

        var ex = Assert.Throws<SeedDataException>(() => SeedDataLoader.Load(_dir.Root));

        Assert.Equal(SeedDataLoader.DistrictsFile, ex.File);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
