namespace MarketDelivery.Domain.Markets;

/// <summary>
/// What merchants set on top of the seed catalogue: whether a product can be ordered now and how many are in stock.
/// Products it does not name are as the catalogue has them.
/// </summary>
public sealed class StockLevels
{
    public static readonly StockLevels None = new([]);

    private readonly Dictionary<(string StallId, string Sku), (bool Available, int? Stock)> _levels = [];

    public StockLevels(IEnumerable<(string StallId, string Sku, bool Available, int? Stock)> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        foreach (var (stallId, sku, available, stock) in levels)
        {
            _levels[(stallId, sku)] = (available, stock);
        }
    }

    /// <summary>The product of stall <paramref name="stallId"/> as it can be ordered now.</summary>
    public Product Apply(string stallId, Product product) =>
        _levels.TryGetValue((stallId, product.Sku), out var level) ? product with { Available = level.Available, Stock = level.Stock } : product;
}
