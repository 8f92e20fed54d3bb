using MarketDelivery.Contracts.Orders;

namespace MarketDelivery.Domain.Orders;

/// <summary>The legal moves of an order's status. Anything not listed here is refused with a reason.</summary>
public static class OrderStateMachine
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Moves = new()
    {
        [OrderStatus.Placed] = [OrderStatus.Picking, OrderStatus.ReadyForPickup, OrderStatus.Cancelled],
        [OrderStatus.Picking] = [OrderStatus.ReadyForPickup, OrderStatus.Cancelled],
        [OrderStatus.ReadyForPickup] = [OrderStatus.OutForDelivery, OrderStatus.Cancelled],
        [OrderStatus.OutForDelivery] = [OrderStatus.Delivered, OrderStatus.DeliveryFailed],
        // A failed delivery goes back to the market: it is planned again or cancelled by staff.
        [OrderStatus.DeliveryFailed] = [OrderStatus.ReadyForPickup, OrderStatus.Cancelled],
        [OrderStatus.Delivered] = [],
        [OrderStatus.Cancelled] = [],
    };

    public static bool CanMove(OrderStatus from, OrderStatus to) => Moves[from].Contains(to);

    public static IReadOnlyList<OrderStatus> NextFrom(OrderStatus from) => Moves[from];

    public static bool IsTerminal(OrderStatus status) => Moves[status].Length == 0;

    /// <summary>Why a move is refused, in words a client can show.</summary>
    public static string Refusal(OrderStatus from, OrderStatus to) =>
        IsTerminal(from)
            ? $"The order is {from} and can no longer change."
            : $"An order that is {from} cannot become {to}; it can become {string.Join(" or ", Moves[from])}.";
}
