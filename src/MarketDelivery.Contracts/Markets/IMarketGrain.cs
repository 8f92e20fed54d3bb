using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;

namespace MarketDelivery.Contracts.Markets;

/// <summary>A market's board of its orders, for market staff now and for dispatch later.</summary>
[Alias("md.IMarketGrain")]
public interface IMarketGrain : IGrainWithStringKey
{
    /// <summary>Records a new or changed order; an update older than what is held is ignored.</summary>
    [Alias("OrderChanged")]
    Task OrderChanged(OrderSummary order);

    /// <summary>The market's orders, optionally for one delivery slot.</summary>
    [Alias("GetOrders")]
    Task<ImmutableArray<OrderSummary>> GetOrders(string? slotId);
}
