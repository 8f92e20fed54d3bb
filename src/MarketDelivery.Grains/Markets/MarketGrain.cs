using System.Collections.Immutable;
using MarketDelivery.Domain;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Orleans.Concurrency;

namespace MarketDelivery.Grains.Markets;

/// <summary>
/// A market's board of orders. It keeps no state of its own: each order's line is a row written with the order, so
/// the board's cost does not grow with the orders the market has seen. Orders push board changes themselves.
/// </summary>
[StatelessWorker]
public sealed class MarketGrain(IOrderViews views, MarketClock clock) : Grain, IMarketGrain
{
    /// <summary>Delivered or cancelled orders leave the board this long after their slot.</summary>
    private static readonly TimeSpan KeepFinishedOrders = TimeSpan.FromDays(2);

    public Task<ImmutableArray<OrderSummary>> GetOrders(string? slotId) =>
        views.OrdersOfMarketAsync(this.GetPrimaryKeyString(), slotId, clock.GetUtcNow() - KeepFinishedOrders);
}
