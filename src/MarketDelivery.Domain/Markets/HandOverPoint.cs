namespace MarketDelivery.Domain.Markets;

/// <summary>Where couriers collect the packed orders of a market.</summary>
public sealed record HandOverPoint(GeoPoint Location, string Description);
