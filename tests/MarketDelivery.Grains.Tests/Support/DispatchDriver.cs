using System.Collections.Immutable;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;

namespace MarketDelivery.Grains.Tests.Support;

/// <summary>Drives a market day through the grains the way phones and tablets would: couriers, ready orders, plans.</summary>
public sealed class DispatchDriver(IGrainFactory grains, TestSiloServices services)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>12:16 in Seoul: the 13:00 slot's wave (released 45 minutes before) is due.</summary>
    public static readonly DateTimeOffset WaveDue = new(2026, 11, 23, 12, 16, 0, TimeSpan.FromHours(9));

    public IDispatcherGrain Dispatcher => grains.GetGrain<IDispatcherGrain>(Baskets.MarketId);

    public ICourierGrain Courier(string id) => grains.GetGrain<ICourierGrain>(id);

    public IOrderGrain Order(string id) => grains.GetGrain<IOrderGrain>(id);

    public async Task StartCourier(string id, TravelMode mode = TravelMode.Scooter)
    {
        var courier = Courier(id);
        Assert.True((await courier.Register(new CourierProfile($"배달원 {id}", "마포구", mode, 25_000, 8, [Baskets.MarketId], []))).Succeeded);
        var started = await courier.StartShift(services.Clock.GetUtcNow().AddHours(8));
        Assert.True(started.Succeeded, started.Error?.Detail);
    }

    /// <summary>Places an order to a door near 망원시장 (offset by <paramref name="n"/>) and, unless told not to, picks it in full.</summary>
    public async Task<string> PlaceOrder(int n, bool picked = true)
    {
        var address = new DeliveryAddress(37.5560 + (0.0012 * (n % 4)) - 0.0018, 126.9063 + (0.0015 * (n % 3)) - 0.0015, $"망원동 {n}번지");
        var command = Baskets.ThreeStalls($"dispatch-customer-{n}", $"dispatch-{n}") with { DeliveryAddress = address };
        var placed = await Order(Baskets.OrderIdFor(command)).Place(command);
        Assert.True(placed.Succeeded, placed.Error?.Detail);
        var order = placed.Value!.Order;
        if (picked)
        {
            foreach (var ticket in order.Tickets)
            {
                var lines = order.Lines.Where(l => l.StallId == ticket.StallId).Select(l => new PickConfirmation(l.Sku, l.Quantity)).ToImmutableArray();
                var confirmed = await Order(order.OrderId).ConfirmTicket(ticket.StallId, ticket.TicketId, lines);
                Assert.True(confirmed.Succeeded, confirmed.Error?.Detail);
            }
        }

        return order.OrderId;
    }

    /// <summary>Waits for a pushed dispatch board that satisfies <paramref name="match"/> (the re-plan is debounced and off the grain turn).</summary>
    public async Task<DispatchBoard> WaitForBoard(Func<DispatchBoard, bool> match)
    {
        var push = await services.Push.WaitForAsync(
            p => p.Group == PushGroups.Market(Baskets.MarketId) && p.EventName == PushEvents.Dispatch && p.Payload is DispatchBoard b && match(b),
            Patience);
        return (DispatchBoard)push.Payload;
    }

    public static string? CourierOf(DispatchBoard board, string orderId) =>
        board.Routes.FirstOrDefault(r => r.Stops.Any(s => s.OrderId == orderId && s.Kind == RouteStopKind.Delivery))?.CourierId;

    public static void AssertSound(DispatchBoard board) =>
        Assert.True(board.Violations.IsEmpty, "the plan broke the routing validator: " + string.Join("; ", board.Violations));
}
