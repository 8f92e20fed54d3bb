using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;

namespace MarketDelivery.Domain.Orders;

/// <summary>
/// The read side of stored orders: stall ticket lists, market boards and the feed dispatch follows. Each order's
/// views are written in the same transaction as the order itself (see <c>OrderGrainStorage</c>), so a stored
/// order is on every list it belongs to, whatever crashes after the write.
/// </summary>
public interface IOrderViews
{
    /// <summary>A stall's tickets, oldest slot first: open ones, and closed ones whose slot ended after <paramref name="closedSince"/>.</summary>
    Task<ImmutableArray<PickTicketView>> TicketsOfStallAsync(string stallId, PickTicketStatus? status, DateTimeOffset closedSince, CancellationToken cancellationToken = default);

    /// <summary>A market's orders by slot: unfinished ones, and delivered or cancelled ones whose slot ended after <paramref name="finishedSince"/>.</summary>
    Task<ImmutableArray<OrderSummary>> OrdersOfMarketAsync(string marketId, string? slotId, DateTimeOffset finishedSince, CancellationToken cancellationToken = default);

    /// <summary>The market's live orders (placed, picking, ready, out for delivery) and the feed position they are current to.</summary>
    Task<OrderFeed> LiveOrdersOfMarketAsync(string marketId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Orders of the market written after feed position <paramref name="after"/>, live or not, in write order; a page
    /// at a time (<see cref="OrderFeed.More"/>: ask again from the returned position).
    /// </summary>
    Task<OrderFeed> ChangesOfMarketAsync(string marketId, long after, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stall's confirmed tickets of orders not cancelled, for slots starting in [<paramref name="slotsFrom"/>,
    /// <paramref name="slotsTo"/>), and the sum of what they charge (what was really picked).
    /// </summary>
    Task<(int Tickets, long TakingsWon)> TakingsOfStallAsync(string stallId, DateTimeOffset slotsFrom, DateTimeOffset slotsTo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per slot of the market starting in [<paramref name="slotsFrom"/>, <paramref name="slotsTo"/>): the orders booked
    /// and not cancelled, and how many of them were delivered. One row per slot, so the answer stays small over weeks.
    /// </summary>
    Task<ImmutableArray<SlotOrderCount>> SlotCountsOfMarketAsync(string marketId, DateTimeOffset slotsFrom, DateTimeOffset slotsTo, CancellationToken cancellationToken = default);

    /// <summary>The customer's orders, newest placed first, at most <paramref name="limit"/>, those placed before <paramref name="before"/> if given.</summary>
    Task<CustomerOrdersPage> OrdersOfCustomerAsync(string customerId, OrderCursor? before, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A slot's orders as counted by <see cref="IOrderViews.SlotCountsOfMarketAsync"/>.</summary>
public sealed record SlotOrderCount(string SlotId, DateTimeOffset SlotStart, int Booked, int Delivered);

/// <summary>Order summaries read from the store, the feed position they are current to, and whether more follow.</summary>
public sealed record OrderFeed(ImmutableArray<OrderSummary> Orders, long Position, bool More = false);

/// <summary>Which order statuses count as live work, and which as finished.</summary>
public static class OrderLife
{
    public static bool IsLive(OrderStatus status) =>
        status is OrderStatus.Placed or OrderStatus.Picking or OrderStatus.ReadyForPickup or OrderStatus.OutForDelivery;

    public static bool IsClosed(OrderStatus status) => status is OrderStatus.Delivered or OrderStatus.Cancelled;
}
