using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Domain.Tests.Markets;

/// <summary>The real seed data under data/ loads and is sensible.</summary>
public sealed class SeedDataTests
{
    private static readonly Lazy<MarketCatalog> Catalog = new(() => SeedDataLoader.Load(SeedDataLoader.FindDataDirectory()));

    [Fact]
    public void FindDataDirectory_finds_the_repository_data_folder()
    {
        var dir = SeedDataLoader.FindDataDirectory();

        Assert.Equal("data", Path.GetFileName(dir));
        Assert.True(File.Exists(Path.Combine(dir, "markets", "amsa.json")));
    }

    [Fact]
    public void FindDataDirectory_honours_an_explicit_path_and_rejects_a_wrong_one()
    {
        var real = SeedDataLoader.FindDataDirectory();

        Assert.Equal(real, SeedDataLoader.FindDataDirectory(real));
        Assert.Throws<DirectoryNotFoundException>(() => SeedDataLoader.FindDataDirectory(Path.Combine(real, "markets")));
    }

    [Fact]
    public void Loads_at_least_five_markets_including_amsa()
    {
        var catalog = Catalog.Value;

        Assert.True(catalog.Markets.Count >= 5, $"only {catalog.Markets.Count} markets");
        var amsa = catalog.FindMarket("amsa");
        Assert.NotNull(amsa);
        Assert.Equal("암사종합시장", amsa.Name);
        Assert.Equal("강동구", amsa.District);
        Assert.Equal(TimeSpan.FromHours(9), amsa.TimeZone.GetUtcOffset(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Null(catalog.FindMarket("nowhere"));
        Assert.Equal(catalog.Markets.Select(m => m.Id).Order(StringComparer.Ordinal), catalog.Markets.Select(m => m.Id));
    }

    [Fact]
    public void Every_market_has_at_least_eight_stalls_with_six_to_twelve_products()
    {
        foreach (var market in Catalog.Value.Markets)
        {
            Assert.True(market.Stalls.Count >= 8, $"{market.Id} has {market.Stalls.Count} stalls");
            foreach (var stall in market.Stalls)
            {
                Assert.Equal(market.Id, stall.MarketId);
                Assert.StartsWith(market.Id + "-", stall.Id, StringComparison.Ordinal);
                Assert.InRange(stall.Products.Count, 6, 12);
                Assert.All(stall.Products, p =>
                {
                    Assert.True(p.PriceWon > 0);
                    Assert.True(p.WeightGrams > 0);
                    Assert.False(string.IsNullOrWhiteSpace(p.Name));
                    Assert.False(string.IsNullOrWhiteSpace(p.Unit));
                });
                Assert.Contains(stall.Products, p => p.Available);
            }
        }
    }

    [Fact]
    public void Every_market_location_and_hand_over_point_lie_inside_its_service_area()
    {
        foreach (var market in Catalog.Value.Markets)
        {
            Assert.True(market.Serves(market.Location), $"{market.Id} location outside its area");
            Assert.True(market.Serves(market.HandOverPoint.Location), $"{market.Id} hand-over point outside its area");
            Assert.True(market.ServiceArea.Shell.IsCCW, $"{market.Id} outer ring is clockwise");
            Assert.InRange(market.ServiceArea.Shell.NumPoints, 9, 17);
        }
    }

    [Fact]
    public void Markets_of_different_districts_do_not_serve_each_other()
    {
        // Markets of one district share couriers and may overlap (a customer between them orders from either).
        var catalog = Catalog.Value;
        foreach (var market in catalog.Markets)
        {
            foreach (var other in catalog.Markets.Where(o => catalog.DistrictOf(o.Id) != catalog.DistrictOf(market.Id)))
            {
                Assert.False(market.Serves(other.Location), $"{market.Id} claims to serve {other.Id}");
            }
        }
    }

    [Fact]
    public void Slots_fit_in_opening_hours_and_are_cut_off_before_they_start()
    {
        foreach (var market in Catalog.Value.Markets)
        {
            Assert.NotEmpty(market.Slots);
            Assert.All(market.Slots, s =>
            {
                Assert.True(s.End > s.Start);
                Assert.True(s.Cutoff <= s.Start);
                Assert.True(s.Start >= market.OpeningHours.Opens);
                Assert.True(s.End <= market.OpeningHours.Closes);
            });
        }
    }

    [Fact]
    public void Stalls_and_products_can_be_found_by_id()
    {
        var catalog = Catalog.Value;

        var found = catalog.FindStall("amsa-chaeso");
        Assert.NotNull(found);
        var (market, stall) = found.Value;
        Assert.Equal("amsa", market.Id);
        Assert.Same(stall, market.FindStall("amsa-chaeso"));
        var daepa = stall.FindProduct("daepa");
        Assert.NotNull(daepa);
        Assert.Equal("대파", daepa.Name);
        Assert.Null(stall.FindProduct("no-such-sku"));
        Assert.Null(catalog.FindStall("amsa-nothing"));
        Assert.Null(market.FindStall("mangwon-chaeso"));
    }

    [Fact]
    public void Stall_ids_are_unique_across_markets()
    {
        var ids = Catalog.Value.Markets.SelectMany(m => m.Stalls).Select(s => s.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
