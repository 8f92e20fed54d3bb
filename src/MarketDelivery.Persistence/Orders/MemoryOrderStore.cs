using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Orleans.Serialization;

namespace MarketDelivery.Persistence.Orders;

/// <summary>The order store in process memory, for the Memory storage kind (one silo; nothing survives a restart).</summary>
public sealed class MemoryOrderStore(Serializer serializer) : OrderStore(serializer)
{
    private sealed record Stored(OrderRow Row, int ETag, long Seq);

    private sealed record StoredTicket(TicketRow Row, string OrderId, DateTimeOffset SlotStart, DateTimeOffset SlotEnd);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Stored> _orders = [];
    private readonly Dictionary<string, StoredTicket> _tickets = [];
    private long _seq;

    internal override Task<StoredState?> ReadAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_orders.TryGetValue(orderId, out var stored) ? new StoredState(stored.Row.State, stored.ETag) : null);
        }
    }

    internal override Task<int?> WriteAsync(OrderRow order, IReadOnlyList<TicketRow> tickets, int? expectedETag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int? current = _orders.TryGetValue(order.OrderId, out var stored) ? stored.ETag : null;
            if (current != expectedETag)
            {
                return Task.FromResult<int?>(null);
            }

            var etag = (current ?? 0) + 1;
            _orders[order.OrderId] = new Stored(order, etag, ++_seq);
            foreach (var ticket in tickets)
            {
                if (!_tickets.TryGetValue(ticket.TicketId, out var held) || held.Row.Version < ticket.Version)
                {
                    _tickets[ticket.TicketId] = new StoredTicket(ticket, order.OrderId, order.SlotStart, order.SlotEnd);
                }
            }

            return Task.FromResult<int?>(etag);
        }
    }

    internal override Task<bool> DeleteAsync(string orderId, int? expectedETag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int? current = _orders.TryGetValue(orderId, out var stored) ? stored.ETag : null;
            if (current != expectedETag)
            {
                return Task.FromResult(false);
            }

            _orders.Remove(orderId);
            foreach (var ticket in _tickets.Values.Where(t => t.OrderId == orderId).ToList())
            {
                _tickets.Remove(ticket.Row.TicketId);
            }

            return Task.FromResult(true);
        }
    }

    protected override Task<IReadOnlyList<byte[]>> ReadStallTicketsAsync(string stallId, PickTicketStatus? status, DateTimeOffset closedSince, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<byte[]> views = [.. _tickets.Values
                .Where(t => t.Row.StallId == stallId && (status is null || t.Row.Status == status)
                            && (t.Row.Status == PickTicketStatus.Open || t.SlotEnd >= closedSince))
                .OrderBy(t => t.SlotStart).ThenBy(t => t.Row.CreatedAt).ThenBy(t => t.Row.TicketId, StringComparer.Ordinal)
                .Select(t => t.Row.View)];
            return Task.FromResult(views);
        }
    }

    protected override Task<IReadOnlyList<byte[]>> ReadMarketOrdersAsync(string marketId, string? slotId, DateTimeOffset finishedSince, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<byte[]> summaries = [.. _orders.Values
                .Select(o => o.Row)
                .Where(o => o.MarketId == marketId && (slotId is null || o.SlotId == slotId) && (!o.Closed || o.SlotEnd >= finishedSince))
                .OrderBy(o => o.SlotStart).ThenBy(o => o.OrderId, StringComparer.Ordinal)
                .Select(o => o.Summary)];
            return Task.FromResult(summaries);
        }
    }

    internal override Task<(IReadOnlyList<byte[]> Summaries, long Position)> ReadLiveOrdersAsync(string marketId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<byte[]> live = [.. _orders.Values.Where(o => o.Row.MarketId == marketId && o.Row.Live).Select(o => o.Row.Summary)];
            return Task.FromResult((live, _seq));
        }
    }

    internal override Task<(int Tickets, long TakingsWon)> ReadTakingsAsync(string stallId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var tickets = _tickets.Values
                .Where(t => t.Row.StallId == stallId && t.Row.Status == PickTicketStatus.Confirmed && !t.Row.OrderCancelled
                            && t.SlotStart >= from && t.SlotStart < to)
                .ToList();
            return Task.FromResult((tickets.Count, tickets.Sum(t => t.Row.ChargedWon)));
        }
    }

    internal override Task<IReadOnlyList<SlotOrderCount>> ReadSlotCountsAsync(string marketId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<SlotOrderCount> counts = [.. _orders.Values
                .Select(o => o.Row)
                .Where(o => o.MarketId == marketId && o.SlotStart >= from && o.SlotStart < to)
                .GroupBy(o => o.SlotId, StringComparer.Ordinal)
                .Select(g => new SlotOrderCount(g.Key, g.Min(o => o.SlotStart), g.Count(o => !o.Cancelled), g.Count(o => o.Closed && !o.Cancelled)))];
            return Task.FromResult(counts);
        }
    }

    internal override Task<IReadOnlyList<byte[]>> ReadCustomerOrdersAsync(string customerId, OrderCursor? before, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<byte[]> rows = [.. _orders.Values
                .Select(o => o.Row)
                .Where(o => o.CustomerId == customerId
                            && (before is null || o.PlacedAt < before.PlacedAt
                                || (o.PlacedAt == before.PlacedAt && string.CompareOrdinal(o.OrderId, before.OrderId) < 0)))
                .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal)
                .Take(limit)
                .Select(o => o.Summary)];
            return Task.FromResult(rows);
        }
    }

    internal override Task<IReadOnlyList<FeedRow>> ReadChangesAsync(string marketId, long after, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<FeedRow> rows = [.. _orders.Values
                .Where(o => o.Row.MarketId == marketId && o.Seq > after)
                .OrderBy(o => o.Seq).Take(limit)
                .Select(o => new FeedRow(o.Row.Summary, o.Seq))];
            return Task.FromResult(rows);
        }
    }
}
