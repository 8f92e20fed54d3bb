using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;

namespace MarketDelivery.Contracts.Markets;

/// <summary>A market's board of its orders for market staff, read from the stored orders.</summary>
[Alias("md.IMarketGrain")]
public interface IMarketGrain : IGrainWithStringKey
{
    /// <summary>The market's orders, optionally for one delivery slot.</summary>
    [Alias("GetOrders")]
    Task<ImmutableArray<OrderSummary>> GetOrders(string? slotId);
}
