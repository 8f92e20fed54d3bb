using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>A live order as the dispatcher tracks it, in memory (rebuilt from the stored orders on activation).</summary>
public sealed class DispatchOrderEntry
{
    public OrderSummary Summary { get; set; } = null!;
    /// <summary>When the bags are (expected to be) at the hand-over point.</summary>
    public DateTimeOffset ExpectedReadyAt { get; set; }
}

/// <summary>How an order update touches the plan.</summary>
internal enum OrderChange { None, Added, Changed, Removed }

/// <summary>
/// A market's live orders as its dispatcher tracks them, with each slot's count of live and ready orders kept in step,
/// so a change costs the same however many orders there are. In memory only: the order store is the record, and the
/// dispatcher rebuilds this from it on activation. Knows nothing of waves or grains.
/// </summary>
internal sealed class MarketOrderBook(TimeSpan expectedPickTime)
{
    private sealed class SlotCount
    {
        public int Orders { get; set; }
        public int Ready { get; set; }
    }

    private readonly Dictionary<string, DispatchOrderEntry> _orders = [];
    private readonly Dictionary<string, SlotCount> _slots = [];

    public IEnumerable<DispatchOrderEntry> Entries => _orders.Values;

    public bool Contains(string orderId) => _orders.ContainsKey(orderId);

    /// <summary>Live orders of the slot.</summary>
    public int OrdersOf(string slotId) => _slots.TryGetValue(slotId, out var slot) ? slot.Orders : 0;

    /// <summary>Orders of the slot whose bags wait at the hand-over point.</summary>
    public int ReadyOf(string slotId) => _slots.TryGetValue(slotId, out var slot) ? slot.Ready : 0;

    /// <summary>Drops a slot's counts (its wave is gone and it has no live order).</summary>
    public void ForgetSlot(string slotId) => _slots.Remove(slotId);

    /// <summary>Takes an order update, idempotent by the order's version; an order no longer live leaves the book.</summary>
    public OrderChange Apply(OrderSummary order)
    {
        _orders.TryGetValue(order.OrderId, out var held);
        var before = held?.Summary;
        if (before is not null && before.Version >= order.Version)
        {
            return OrderChange.None;
        }

        if (!OrderLife.IsLive(order.Status))
        {
            // Delivered, cancelled, or returned to the market (staff send it out again later).
            if (!_orders.Remove(order.OrderId))
            {
                return OrderChange.None;
            }

            Count(before!, -1);
            return OrderChange.Removed;
        }

        var entry = held ?? new DispatchOrderEntry();
        entry.Summary = order;
        entry.ExpectedReadyAt = order.ReadyAt ?? Later(entry.ExpectedReadyAt, (order.PlacedAt ?? order.UpdatedAt) + expectedPickTime);
        _orders[order.OrderId] = entry;
        if (before is not null)
        {
            Count(before, -1);
        }

        Count(order, +1);
        return before is null ? OrderChange.Added
            : before.Status != order.Status || before.WeightGrams != order.WeightGrams ? OrderChange.Changed
            : OrderChange.None;
    }

    /// <summary>The orders <paramref name="isToPlan"/> picks, as the planner takes them, in a stable order.</summary>
    public List<PlanningOrder> ToPlan(Func<OrderSummary, bool> isToPlan)
    {
        var orders = new List<PlanningOrder>();
        foreach (var entry in _orders.Values.OrderBy(e => e.Summary.OrderId, StringComparer.Ordinal))
        {
            var o = entry.Summary;
            if (!isToPlan(o))
            {
                continue;
            }

            var stage = o.Status == OrderStatus.OutForDelivery ? PlanningOrderState.OutForDelivery
                : o.Status == OrderStatus.ReadyForPickup ? PlanningOrderState.ReadyAtMarket : PlanningOrderState.Picking;
            orders.Add(new PlanningOrder(o.OrderId, o.Destination, o.SlotStart, o.SlotEnd, entry.ExpectedReadyAt, o.WeightGrams, o.Bags,
                stage, o.CourierId, o.Fresh));
        }

        return orders;
    }

    private void Count(OrderSummary order, int delta)
    {
        var slot = _slots.TryGetValue(order.SlotId, out var held) ? held : _slots[order.SlotId] = new SlotCount();
        slot.Orders += delta;
        slot.Ready += order.Status == OrderStatus.ReadyForPickup ? delta : 0;
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
