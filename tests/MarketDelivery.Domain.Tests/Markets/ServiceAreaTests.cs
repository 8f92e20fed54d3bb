using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Domain.Tests.Markets;

public sealed class ServiceAreaTests
{
    private readonly Market _market = TestMarkets.Create();

    [Theory]
    [InlineData(2.5, 15.0)]   // centre
    [InlineData(0.01, 10.01)] // near a corner
    [InlineData(4.99, 19.99)]
    [InlineData(5.0, 15.0)]   // on the boundary counts as served
    public void Serves_points_inside(double lat, double lon) =>
        Assert.True(_market.Serves(new GeoPoint(lat, lon)));

    [Theory]
    [InlineData(15.0, 2.5)]   // lat/lon swapped: must not be served
    [InlineData(5.01, 15.0)]
    [InlineData(-0.01, 15.0)]
    [InlineData(2.5, 9.99)]
    [InlineData(2.5, 20.01)]
    [InlineData(double.NaN, 15.0)]
    [InlineData(95.0, 15.0)]
    public void Does_not_serve_points_outside(double lat, double lon) =>
        Assert.False(_market.Serves(new GeoPoint(lat, lon)));

    [Fact]
    public void Amsa_serves_its_neighbourhood_but_not_the_other_side_of_seoul()
    {
        var amsa = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory()).FindMarket("amsa")!;

        Assert.True(amsa.Serves(new GeoPoint(37.5502, 127.1275)));  // 암사역
        Assert.True(amsa.Serves(new GeoPoint(37.5450, 127.1400)));  // 명일동 쪽, about 1 km south-east
        Assert.False(amsa.Serves(new GeoPoint(37.4979, 127.0276))); // 강남역
        Assert.False(amsa.Serves(new GeoPoint(37.5560, 126.9063))); // 망원시장
        Assert.False(amsa.Serves(new GeoPoint(127.1336, 37.5521))); // swapped coordinates
    }
}
