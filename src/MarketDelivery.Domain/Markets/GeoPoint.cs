namespace MarketDelivery.Domain.Markets;

/// <summary>A WGS84 position. Note that NetTopologySuite uses X = longitude, Y = latitude.</summary>
public sealed record GeoPoint(double Lat, double Lon)
{
    public bool IsValid =>
        double.IsFinite(Lat) && double.IsFinite(Lon) && Lat is >= -90 and <= 90 && Lon is >= -180 and <= 180;

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({Lat:0.######}, {Lon:0.######})");
}
