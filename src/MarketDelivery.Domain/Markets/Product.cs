namespace MarketDelivery.Domain.Markets;

/// <summary>
/// Something a stall sells, priced per <see cref="Unit"/> (e.g. "1단", "1근(600g)").
/// <see cref="Stock"/> is null when the stall does not track stock (unlimited for ordering purposes).
/// </summary>
public sealed record Product(string Sku, string Name, string Unit, long PriceWon, int WeightGrams, bool Available, int? Stock)
{
    /// <summary>True if at least <paramref name="quantity"/> units can be ordered right now.</summary>
    public bool CanSupply(int quantity) =>
        quantity > 0 && Available && (Stock is null || Stock.Value >= quantity);
}
