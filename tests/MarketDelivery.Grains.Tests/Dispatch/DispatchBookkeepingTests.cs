using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Grains.Dispatch;

namespace MarketDelivery.Grains.Tests.Dispatch;

/// <summary>The dispatch grains' in-memory bookkeeping, without a silo: the market's order book and the plan ledger.</summary>
public sealed class DispatchBookkeepingTests
{
    private static readonly DateTimeOffset SlotStart = new(2026, 12, 1, 19, 0, 0, TimeSpan.FromHours(9));
    private static readonly DateTimeOffset PlacedAt = SlotStart.AddHours(-3);
    private static readonly TimeSpan PickTime = TimeSpan.FromMinutes(22);

    private static OrderSummary Order(string id, OrderStatus status, int version, string slot = "s19", DateTimeOffset? readyAt = null,
        string? courierId = null) =>
        new(id, "amsa", slot, SlotStart, SlotStart.AddHours(2), status, new GeoPosition(37.55, 127.13), 0, 10_000, 3_000,
            PlacedAt.AddMinutes(version), version, ReadyAt: readyAt, CourierId: courierId, PlacedAt: PlacedAt);

    [Fact]
    public void The_book_counts_live_and_ready_orders_per_slot_and_ignores_stale_versions()
    {
        var book = new MarketOrderBook(PickTime);

        Assert.Equal(OrderChange.Added, book.Apply(Order("a", OrderStatus.Placed, 1)));
        Assert.Equal(OrderChange.Added, book.Apply(Order("b", OrderStatus.Placed, 1)));
        Assert.Equal(OrderChange.Changed, book.Apply(Order("a", OrderStatus.ReadyForPickup, 3, readyAt: SlotStart.AddHours(-1))));
        Assert.Equal((2, 1), (book.OrdersOf("s19"), book.ReadyOf("s19")));

        // A message overtaken by a newer one changes nothing.
        Assert.Equal(OrderChange.None, book.Apply(Order("a", OrderStatus.Picking, 2)));
        Assert.Equal((2, 1), (book.OrdersOf("s19"), book.ReadyOf("s19")));

        Assert.Equal(OrderChange.Removed, book.Apply(Order("a", OrderStatus.Delivered, 5)));
        Assert.Equal(OrderChange.None, book.Apply(Order("a", OrderStatus.Delivered, 5)));
        Assert.Equal((1, 0), (book.OrdersOf("s19"), book.ReadyOf("s19")));
        Assert.False(book.Contains("a"));
        Assert.True(book.Contains("b"));
        Assert.Equal(0, book.OrdersOf("other"));
    }

    [Fact]
    public void The_book_expects_bags_at_the_pick_estimate_until_the_merchants_say_ready()
    {
        var book = new MarketOrderBook(PickTime);
        book.Apply(Order("a", OrderStatus.Placed, 1));
        Assert.Equal(PlacedAt + PickTime, Assert.Single(book.Entries).ExpectedReadyAt);

        // The dispatcher pushed the estimate out (a late merchant): a later update keeps the later time.
        Assert.Single(book.Entries).ExpectedReadyAt = SlotStart;
        book.Apply(Order("a", OrderStatus.Picking, 2));
        Assert.Equal(SlotStart, Assert.Single(book.Entries).ExpectedReadyAt);

        var ready = SlotStart.AddMinutes(-50);
        book.Apply(Order("a", OrderStatus.ReadyForPickup, 3, readyAt: ready));
        Assert.Equal(ready, Assert.Single(book.Entries).ExpectedReadyAt);
    }

    [Fact]
    public void The_book_hands_the_planner_what_is_asked_with_each_orders_stage()
    {
        var book = new MarketOrderBook(PickTime);
        book.Apply(Order("c", OrderStatus.OutForDelivery, 4, courierId: "k1"));
        book.Apply(Order("a", OrderStatus.Picking, 2));
        book.Apply(Order("b", OrderStatus.ReadyForPickup, 3, readyAt: SlotStart));
        book.Apply(Order("d", OrderStatus.Placed, 1, slot: "s21"));

        var toPlan = book.ToPlan(o => o.SlotId == "s19");

        Assert.Equal(["a", "b", "c"], toPlan.Select(o => o.OrderId));
        Assert.Equal([PlanningOrderState.Picking, PlanningOrderState.ReadyAtMarket, PlanningOrderState.OutForDelivery],
            toPlan.Select(o => o.State));
        Assert.Equal("k1", toPlan[2].CourierId);
    }

    [Fact]
    public void The_ledger_owes_only_what_changed_since_each_was_told()
    {
        var ledger = new PlanDeliveryLedger();
        var first = new OrderAssignment("k1", SlotStart, null);
        ledger.OweRoutes(["k1", "k2"]);
        ledger.OweParts(["amsa", "gildong"]);
        ledger.ReplaceAssignments([KeyValuePair.Create("a", first), KeyValuePair.Create("b", new OrderAssignment(null, null, "no courier"))]);
        Assert.True(ledger.OwesAnything);

        // Taken: a courier who left the shift is owed nothing any more.
        Assert.Equal(["k1"], ledger.RoutesOwed(id => id == "k1"));
        ledger.RouteTaken("k1");
        Assert.Empty(ledger.RoutesOwed(_ => true));
        foreach (var (orderId, assignment) in ledger.OrdersOwed())
        {
            ledger.OrderTold(orderId, assignment);
        }

        ledger.PartTaken("amsa");
        Assert.Equal(["gildong"], ledger.PartsOwed());
        ledger.PartTaken("gildong");
        Assert.False(ledger.OwesAnything);

        // The next plan says the same to "a" and moves "b" onto a route: only "b" is owed.
        var moved = new OrderAssignment("k2", SlotStart.AddMinutes(30), null);
        ledger.ReplaceAssignments([KeyValuePair.Create("a", first), KeyValuePair.Create("b", moved)]);
        Assert.Equal([KeyValuePair.Create("b", moved)], ledger.OrdersOwed());
        ledger.OrderTold("b", moved);

        // "a" lost its courier (a failed delivery, sent out again): told again though the plan is unchanged.
        ledger.ForgetToldIfCourierIsNot("a", null);
        ledger.ForgetToldIfCourierIsNot("b", "k2");
        Assert.Equal([KeyValuePair.Create("a", first)], ledger.OrdersOwed());

        // An order gone from the market is owed nothing.
        ledger.Forget("a");
        Assert.False(ledger.OwesAnything);
    }
}
