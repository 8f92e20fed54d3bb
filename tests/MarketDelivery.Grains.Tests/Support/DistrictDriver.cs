using System.Collections.Immutable;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Grains.Tests.Support;

/// <summary>
/// Drives the district 강동 (gangdong) through the grains: 암사시장 (amsa) and 길동복조리시장 (gildong), from the real
/// seed data, with couriers serving one or both of them.
/// </summary>
public sealed class DistrictDriver(IGrainFactory grains, TestSiloServices services)
{
    public const string District = "gangdong";
    public const string Amsa = "amsa";
    public const string Gildong = "gildong";
    public const string SlotId = "2026-11-23-1300";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public DispatchDriver Basics { get; } = new(grains, services);

    public IDispatcherGrain Dispatcher(string marketId) => grains.GetGrain<IDispatcherGrain>(marketId);

    public static GeoPoint HandOver(string marketId) => TestSiloServices.Catalog.FindMarket(marketId)!.HandOverPoint.Location;

    public async Task StartCourier(string id, params string[] markets)
    {
        var courier = Basics.Courier(id);
        var registered = await courier.Register(new CourierProfile($"배달원 {id}", "강동구", TravelMode.Scooter, 25_000, 8, [.. markets], []));
        Assert.True(registered.Succeeded, registered.Error?.Detail);
        var started = await courier.StartShift(services.Clock.GetUtcNow().AddHours(8));
        Assert.True(started.Succeeded, started.Error?.Detail);
    }

    /// <summary>A one-stall order of the market, to a door near it (offset by <paramref name="n"/>), picked in full.</summary>
    public async Task<string> PlaceOrder(string marketId, int n)
    {
        var (stall, sku, lat, lon) = marketId == Amsa
            ? ("amsa-chaeso", "daepa", 37.5540, 127.1310)
            : ("gildong-chaeso", "siguemchi", 37.5350, 127.1430);
        var address = new DeliveryAddress(lat + (0.0010 * (n % 3)), lon - (0.0010 * (n % 2)), $"강동구 {marketId} {n}번지");
        var command = new PlaceOrder($"district-customer-{marketId}-{n}", marketId, address, SlotId,
            [new OrderLineRequest(stall, sku, 1, Substitution.None)], $"district-{marketId}-{n}");
        var placed = await Basics.Order(Baskets.OrderIdFor(command)).Place(command);
        Assert.True(placed.Succeeded, placed.Error?.Detail);
        var order = placed.Value!.Order;
        foreach (var ticket in order.Tickets)
        {
            var lines = order.Lines.Where(l => l.StallId == ticket.StallId).Select(l => new PickConfirmation(l.Sku, l.Quantity)).ToImmutableArray();
            var confirmed = await Basics.Order(order.OrderId).ConfirmTicket(ticket.StallId, ticket.TicketId, lines);
            Assert.True(confirmed.Succeeded, confirmed.Error?.Detail);
        }

        return order.OrderId;
    }

    /// <summary>Waits for a board pushed to the market's staff that satisfies <paramref name="match"/>.</summary>
    public async Task<DispatchBoard> WaitForBoard(string marketId, Func<DispatchBoard, bool> match)
    {
        var push = await services.Push.WaitForAsync(
            p => p.Group == PushGroups.Market(marketId) && p.EventName == PushEvents.Dispatch && p.Payload is DispatchBoard b && match(b),
            Patience);
        return (DispatchBoard)push.Payload;
    }

    public static CourierRouteView? RouteOf(DispatchBoard board, string courierId) => board.Routes.SingleOrDefault(r => r.CourierId == courierId);

    public static RouteStopView? Stop(DispatchBoard board, string orderId, RouteStopKind kind) =>
        board.Routes.SelectMany(r => r.Stops).SingleOrDefault(s => s.OrderId == orderId && s.Kind == kind);
}
