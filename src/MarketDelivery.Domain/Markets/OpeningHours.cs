namespace MarketDelivery.Domain.Markets;

/// <summary>Daily opening hours in the market's local time.</summary>
public sealed record OpeningHours(TimeOnly Opens, TimeOnly Closes);
