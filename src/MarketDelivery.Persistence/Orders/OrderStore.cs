using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Orleans.Serialization;

namespace MarketDelivery.Persistence.Orders;

/// <summary>An order's own row: its grain state and the summary the market board and dispatch read.</summary>
internal sealed record OrderRow(
    string OrderId, string MarketId, string SlotId, DateTimeOffset SlotStart, DateTimeOffset SlotEnd,
    bool Live, bool Closed, int Version, DateTimeOffset UpdatedAt, byte[] State, byte[] Summary,
    string CustomerId = "", DateTimeOffset PlacedAt = default, bool Cancelled = false);

/// <summary>One pick ticket's row, as the stall's list reads it.</summary>
internal sealed record TicketRow(
    string TicketId, string StallId, PickTicketStatus Status, DateTimeOffset CreatedAt, int Version, byte[] View,
    long ChargedWon = 0, bool OrderCancelled = false);

/// <summary>The stored state of an order grain and the concurrency tag it was read with.</summary>
internal sealed record StoredState(byte[] State, int ETag);

/// <summary>A stored summary and its feed position.</summary>
internal sealed record FeedRow(byte[] Summary, long Seq);

/// <summary>
/// Orders and their views in one store: the order row and its ticket rows are written in one transaction, and the
/// boards, ticket lists and dispatch feed are queries over them. A write touches only the order's own rows, so its
/// cost does not grow with the orders a market or stall has seen. Three backends: PostgreSQL, SQLite, memory.
/// </summary>
public abstract class OrderStore(Serializer serializer) : IOrderViews
{
    /// <summary>At most this many changes are read per call; the caller asks again from the returned position.</summary>
    protected const int MaxChangesPerRead = 2000;

    internal Serializer Serializer => serializer;

    internal abstract Task<StoredState?> ReadAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the order and its tickets if the stored ETag is still <paramref name="expectedETag"/> (null: no row yet).
    /// Ticket rows only move forward by version. Returns the new ETag, or null when someone else wrote first.
    /// </summary>
    internal abstract Task<int?> WriteAsync(OrderRow order, IReadOnlyList<TicketRow> tickets, int? expectedETag, CancellationToken cancellationToken);

    /// <summary>Removes the order and its tickets if the ETag matches; false when someone else wrote first.</summary>
    internal abstract Task<bool> DeleteAsync(string orderId, int? expectedETag, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<byte[]>> ReadStallTicketsAsync(string stallId, PickTicketStatus? status, DateTimeOffset closedSince, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<byte[]>> ReadMarketOrdersAsync(string marketId, string? slotId, DateTimeOffset finishedSince, CancellationToken cancellationToken);

    /// <summary>The live orders of a market and the highest feed position of the market when read.</summary>
    internal abstract Task<(IReadOnlyList<byte[]> Summaries, long Position)> ReadLiveOrdersAsync(string marketId, CancellationToken cancellationToken);

    internal abstract Task<IReadOnlyList<FeedRow>> ReadChangesAsync(string marketId, long after, int limit, CancellationToken cancellationToken);

    /// <summary>Count and sum of charged won of the stall's confirmed tickets of live or finished (not cancelled) orders, by slot start.</summary>
    internal abstract Task<(int Tickets, long TakingsWon)> ReadTakingsAsync(string stallId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Booked (not cancelled) and delivered orders per slot of the market, slots by start in [from, to).</summary>
    internal abstract Task<IReadOnlyList<SlotOrderCount>> ReadSlotCountsAsync(string marketId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    public async Task<ImmutableArray<SlotOrderCount>> SlotCountsOfMarketAsync(string marketId, DateTimeOffset slotsFrom, DateTimeOffset slotsTo, CancellationToken cancellationToken = default) =>
        [.. (await ReadSlotCountsAsync(marketId, slotsFrom, slotsTo, cancellationToken)).OrderBy(c => c.SlotStart).ThenBy(c => c.SlotId, StringComparer.Ordinal)];

    public Task<(int Tickets, long TakingsWon)> TakingsOfStallAsync(string stallId, DateTimeOffset slotsFrom, DateTimeOffset slotsTo, CancellationToken cancellationToken = default) =>
        ReadTakingsAsync(stallId, slotsFrom, slotsTo, cancellationToken);

    /// <summary>Summaries of the customer's orders, newest placed first (then by order id, descending), strictly before the cursor.</summary>
    internal abstract Task<IReadOnlyList<byte[]>> ReadCustomerOrdersAsync(string customerId, OrderCursor? before, int limit, CancellationToken cancellationToken);

    /// <summary>The most a page of a customer's history may hold.</summary>
    public const int MaxCustomerPage = 100;

    public async Task<CustomerOrdersPage> OrdersOfCustomerAsync(string customerId, OrderCursor? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxCustomerPage);
        // One more than asked for tells whether another page follows.
        var rows = await ReadCustomerOrdersAsync(customerId, before, limit + 1, cancellationToken);
        var orders = rows.Take(limit).Select(Read<OrderSummary>)
            .Select(s => new CustomerOrderRow(s.OrderId, s.MarketId, s.SlotId, s.SlotStart, s.SlotEnd, s.Status, s.ChargedTotalWon, s.PlacedAt ?? s.UpdatedAt, s.Version))
            .ToImmutableArray();
        var next = rows.Count > limit ? new OrderCursor(Microseconds(orders[^1].PlacedAt), orders[^1].OrderId).ToString() : null;
        return new CustomerOrdersPage(orders, next);
    }

    public async Task<ImmutableArray<PickTicketView>> TicketsOfStallAsync(string stallId, PickTicketStatus? status, DateTimeOffset closedSince, CancellationToken cancellationToken = default) =>
        [.. (await ReadStallTicketsAsync(stallId, status, closedSince, cancellationToken)).Select(Read<PickTicketView>)];

    public async Task<ImmutableArray<OrderSummary>> OrdersOfMarketAsync(string marketId, string? slotId, DateTimeOffset finishedSince, CancellationToken cancellationToken = default) =>
        [.. (await ReadMarketOrdersAsync(marketId, slotId, finishedSince, cancellationToken)).Select(Read<OrderSummary>)];

    public async Task<OrderFeed> LiveOrdersOfMarketAsync(string marketId, CancellationToken cancellationToken = default)
    {
        var (summaries, position) = await ReadLiveOrdersAsync(marketId, cancellationToken);
        return new OrderFeed([.. summaries.Select(Read<OrderSummary>)], position);
    }

    public async Task<OrderFeed> ChangesOfMarketAsync(string marketId, long after, CancellationToken cancellationToken = default)
    {
        var rows = await ReadChangesAsync(marketId, after, MaxChangesPerRead, cancellationToken);
        return new OrderFeed([.. rows.Select(r => Read<OrderSummary>(r.Summary))], rows.Count == 0 ? after : rows[^1].Seq, rows.Count == MaxChangesPerRead);
    }

    /// <summary>
    /// An instant as every backend keeps it (PostgreSQL has microseconds), so a cursor made from a row compares equal
    /// to the stored row on each of them.
    /// </summary>
    internal static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    internal T Read<T>(byte[] blob) => serializer.Deserialize<T>(blob) ?? throw new InvalidDataException($"A stored {typeof(T).Name} is empty.");

    /// <summary>The rows an order is stored as: its own, with state and summary, and one per pick ticket.</summary>
    internal (OrderRow Order, IReadOnlyList<TicketRow> Tickets) RowsOf(Order order, byte[] state)
    {
        var summary = order.ToSummary();
        var row = new OrderRow(order.OrderId, order.MarketId, order.SlotId, order.SlotStart, order.SlotEnd,
            OrderLife.IsLive(order.Status), OrderLife.IsClosed(order.Status), order.Version, order.UpdatedAt, state,
            serializer.SerializeToArray(summary), order.CustomerId, Microseconds(order.PlacedAt), order.Status == OrderStatus.Cancelled);
        var tickets = order.Tickets.Select(t =>
        {
            var view = order.TicketView(t);
            var charged = t.Status == PickTicketStatus.Confirmed ? order.Lines.Where(l => l.StallId == t.StallId).Sum(l => l.Pick?.ChargedWon ?? 0) : 0;
            return new TicketRow(t.TicketId, t.StallId, t.Status, view.CreatedAt, t.Version, serializer.SerializeToArray(view),
                charged, order.Status == OrderStatus.Cancelled);
        }).ToList();
        return (row, tickets);
    }
}
