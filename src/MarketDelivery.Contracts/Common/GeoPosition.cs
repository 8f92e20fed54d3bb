namespace MarketDelivery.Contracts.Common;

/// <summary>A WGS84 position, latitude and longitude in degrees.</summary>
[GenerateSerializer, Immutable, Alias("md.GeoPosition")]
public sealed record GeoPosition([property: Id(0)] double Lat, [property: Id(1)] double Lon);
