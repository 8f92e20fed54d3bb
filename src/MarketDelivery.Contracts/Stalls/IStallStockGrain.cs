using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;

namespace MarketDelivery.Contracts.Stalls;

/// <summary>
/// A product of a stall as it can be ordered now: the catalogue's data with the merchant's availability and stock.
/// <see cref="Version"/> grows with every change the merchant makes (0: as in the seed catalogue).
/// </summary>
[GenerateSerializer, Immutable, Alias("md.ProductState")]
public sealed record ProductState(
    [property: Id(0)] string StallId,
    [property: Id(1)] string MarketId,
    [property: Id(2)] string Sku,
    [property: Id(3)] string Name,
    [property: Id(4)] string Unit,
    [property: Id(5)] long PriceWon,
    [property: Id(6)] int WeightGrams,
    [property: Id(7)] bool Available,
    [property: Id(8)] int? Stock,
    [property: Id(9)] int Version,
    [property: Id(10)] DateTimeOffset? UpdatedAt = null);

/// <summary>
/// The merchant's availability and stock of a stall's products, keyed by stall id: an overlay on the seed catalogue,
/// one entry per product at most, stored durably.
/// </summary>
[Alias("md.IStallStockGrain")]
public interface IStallStockGrain : IGrainWithStringKey
{
    /// <summary>Sets whether a product can be ordered and, optionally, how many are in stock (null: not counted).</summary>
    [Alias("SetAvailability")]
    Task<CommandResult<ProductState>> SetAvailability(string sku, bool available, int? stock);

    /// <summary>Every product of the stall as it can be ordered now, in catalogue order.</summary>
    [Alias("GetProducts")]
    Task<ImmutableArray<ProductState>> GetProducts();
}
