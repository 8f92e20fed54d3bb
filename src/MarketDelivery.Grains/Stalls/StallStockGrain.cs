using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using Orleans.Concurrency;

namespace MarketDelivery.Grains.Stalls;

/// <summary>The merchant's setting for one product: whether it can be ordered, the stock if counted, and its version.</summary>
[GenerateSerializer, Immutable, Alias("md.ProductStock")]
public sealed record ProductStock(
    [property: Id(0)] bool Available,
    [property: Id(1)] int? Stock,
    [property: Id(2)] int Version,
    [property: Id(3)] DateTimeOffset UpdatedAt);

/// <summary>A stall's stock overlay: at most one entry per product of the stall's catalogue, so it stays bounded.</summary>
[GenerateSerializer, Alias("md.StallStock")]
public sealed class StallStock
{
    [Id(0)] public Dictionary<string, ProductStock> Products { get; set; } = [];
}

/// <summary>
/// Availability and stock of one stall's products, set by its merchant. A change is stored before it is answered, then
/// pushed to the stall's tablets and the market's clients as a <c>product</c> event with the product's version.
/// </summary>
public sealed class StallStockGrain(
    [PersistentState("stock", "stalls")] IPersistentState<StallStock> state,
    MarketCatalog catalog,
    MarketClock clock,
    IPushNotifier push) : DurableGrain, IStallStockGrain
{
    /// <summary>More than this is a typing error, not a stall's stock.</summary>
    public const int MaxStock = 100_000;

    public async Task<CommandResult<ProductState>> SetAvailability(string sku, bool available, int? stock)
    {
        var stallId = this.GetPrimaryKeyString();
        if (catalog.FindStall(stallId) is not { Stall: var stall })
        {
            return CommandError.NotFound($"There is no stall '{stallId}'.");
        }

        if (stall.FindProduct(sku) is not { } product)
        {
            return CommandError.NotFound($"Stall {stall.Name} has no product '{sku}'.");
        }

        if (stock is < 0 or > MaxStock)
        {
            return CommandError.Invalid($"The stock must be between 0 and {MaxStock}.", "stock");
        }

        var current = State(stall, product);
        if (current.Available == available && current.Stock == stock)
        {
            return CommandResult<ProductState>.Ok(current); // nothing changes: a retry, or a tap on the same switch
        }

        state.State.Products[sku] = new ProductStock(available, stock, current.Version + 1, clock.GetUtcNow());
        await WriteAsync(state);

        var changed = State(stall, product);
        await push.PublishAsync(PushGroups.Stall(stall.Id), PushEvents.Product, changed);
        await push.PublishAsync(PushGroups.Market(stall.MarketId), PushEvents.Product, changed);
        return CommandResult<ProductState>.Ok(changed);
    }

    [ReadOnly]
    public Task<ImmutableArray<ProductState>> GetProducts()
    {
        var stall = catalog.FindStall(this.GetPrimaryKeyString())?.Stall;
        return Task.FromResult(stall is null ? [] : stall.Products.Select(p => State(stall, p)).ToImmutableArray());
    }

    private ProductState State(Stall stall, Product product)
    {
        var set = state.State.Products.GetValueOrDefault(product.Sku);
        return new ProductState(stall.Id, stall.MarketId, product.Sku, product.Name, product.Unit, product.PriceWon, product.WeightGrams,
            set?.Available ?? product.Available, set is null ? product.Stock : set.Stock, set?.Version ?? 0, set?.UpdatedAt);
    }
}
