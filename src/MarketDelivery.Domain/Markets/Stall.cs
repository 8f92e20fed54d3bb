namespace MarketDelivery.Domain.Markets;

/// <summary>A vendor inside a market. Stall ids are unique across all markets.</summary>
public sealed record Stall(string Id, string MarketId, string Name, string Category, IReadOnlyList<Product> Products)
{
    public Product? FindProduct(string sku)
    {
        foreach (var product in Products)
        {
            if (string.Equals(product.Sku, sku, StringComparison.Ordinal))
            {
                return product;
            }
        }
        return null;
    }
}
