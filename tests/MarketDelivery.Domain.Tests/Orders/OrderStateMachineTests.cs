using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;

namespace MarketDelivery.Domain.Tests.Orders;

public sealed class OrderStateMachineTests
{
    /// <summary>The intended life of an order, written out independently of the implementation.</summary>
    private static readonly HashSet<(OrderStatus From, OrderStatus To)> Legal =
    [
        (OrderStatus.Placed, OrderStatus.Picking),
        (OrderStatus.Placed, OrderStatus.ReadyForPickup),
        (OrderStatus.Placed, OrderStatus.Cancelled),
        (OrderStatus.Picking, OrderStatus.ReadyForPickup),
        (OrderStatus.Picking, OrderStatus.Cancelled),
        (OrderStatus.ReadyForPickup, OrderStatus.OutForDelivery),
        (OrderStatus.ReadyForPickup, OrderStatus.Cancelled),
        (OrderStatus.OutForDelivery, OrderStatus.Delivered),
        (OrderStatus.OutForDelivery, OrderStatus.DeliveryFailed),
        (OrderStatus.DeliveryFailed, OrderStatus.ReadyForPickup),
        (OrderStatus.DeliveryFailed, OrderStatus.Cancelled),
    ];

    public static TheoryData<OrderStatus, OrderStatus> LegalMoves() => ToTheoryData(Legal);

    public static TheoryData<OrderStatus, OrderStatus> IllegalMoves() => ToTheoryData(
    [
        (OrderStatus.Placed, OrderStatus.Placed),
        (OrderStatus.Placed, OrderStatus.OutForDelivery),
        (OrderStatus.Placed, OrderStatus.Delivered),
        (OrderStatus.Picking, OrderStatus.Placed),
        (OrderStatus.Picking, OrderStatus.OutForDelivery),
        (OrderStatus.ReadyForPickup, OrderStatus.Picking),
        (OrderStatus.ReadyForPickup, OrderStatus.Delivered),
        (OrderStatus.OutForDelivery, OrderStatus.Cancelled),
        (OrderStatus.OutForDelivery, OrderStatus.ReadyForPickup),
        (OrderStatus.DeliveryFailed, OrderStatus.Delivered),
        (OrderStatus.DeliveryFailed, OrderStatus.OutForDelivery),
        (OrderStatus.Delivered, OrderStatus.Cancelled),
        (OrderStatus.Delivered, OrderStatus.DeliveryFailed),
        (OrderStatus.Cancelled, OrderStatus.Placed),
        (OrderStatus.Cancelled, OrderStatus.ReadyForPickup),
    ]);

    private static TheoryData<OrderStatus, OrderStatus> ToTheoryData(IEnumerable<(OrderStatus From, OrderStatus To)> moves)
    {
        var data = new TheoryData<OrderStatus, OrderStatus>();
        foreach (var (from, to) in moves)
        {
            data.Add(from, to);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void A_legal_move_is_allowed(OrderStatus from, OrderStatus to)
    {
        Assert.True(OrderStateMachine.CanMove(from, to));
        Assert.Contains(to, OrderStateMachine.NextFrom(from));
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void An_illegal_move_is_refused_with_a_reason(OrderStatus from, OrderStatus to)
    {
        Assert.False(OrderStateMachine.CanMove(from, to));
        Assert.DoesNotContain(to, OrderStateMachine.NextFrom(from));
        var reason = OrderStateMachine.Refusal(from, to);
        Assert.Contains(from.ToString(), reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_whole_table_matches_the_intended_moves()
    {
        foreach (var from in Enum.GetValues<OrderStatus>())
        {
            foreach (var to in Enum.GetValues<OrderStatus>())
            {
                Assert.True(Legal.Contains((from, to)) == OrderStateMachine.CanMove(from, to), $"{from} -> {to}");
            }

            Assert.Equal(
                Legal.Where(m => m.From == from).Select(m => m.To).Order(),
                OrderStateMachine.NextFrom(from).Order());
        }
    }

    [Fact]
    public void Delivered_and_cancelled_are_the_only_terminal_states()
    {
        Assert.Equal(
            [OrderStatus.Delivered, OrderStatus.Cancelled],
            Enum.GetValues<OrderStatus>().Where(OrderStateMachine.IsTerminal));
        Assert.Empty(OrderStateMachine.NextFrom(OrderStatus.Delivered));
        Assert.Empty(OrderStateMachine.NextFrom(OrderStatus.Cancelled));
    }

    [Fact]
    public void A_refusal_names_the_possible_moves_or_says_the_order_is_final()
    {
        var fromPicking = OrderStateMachine.Refusal(OrderStatus.Picking, OrderStatus.Delivered);
        Assert.Contains("Delivered", fromPicking, StringComparison.Ordinal);
        Assert.Contains("ReadyForPickup", fromPicking, StringComparison.Ordinal);
        Assert.Contains("Cancelled", fromPicking, StringComparison.Ordinal);

        var fromCancelled = OrderStateMachine.Refusal(OrderStatus.Cancelled, OrderStatus.Placed);
        Assert.Contains("no longer change", fromCancelled, StringComparison.Ordinal);
    }
}
