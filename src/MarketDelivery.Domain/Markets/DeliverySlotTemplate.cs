namespace MarketDelivery.Domain.Markets;

/// <summary>
/// A delivery window repeated every day, in the market's local time. Orders for the window
/// are accepted until <see cref="Cutoff"/> on the same day.
/// </summary>
public sealed record DeliverySlotTemplate(string Id, TimeOnly Start, TimeOnly End, TimeOnly Cutoff);
