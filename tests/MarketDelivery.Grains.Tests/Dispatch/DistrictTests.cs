using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Dispatch;
using MarketDelivery.Grains.Tests.Support;
using static MarketDelivery.Grains.Tests.Support.DistrictDriver;

namespace MarketDelivery.Grains.Tests.Dispatch;

/// <summary>
/// The markets of 강동 (amsa, gildong) are planned together: a courier of both picks up at both hand-over points on
/// one trip, and each market's board shows the district's plan where it touches the market.
/// </summary>
public sealed class DistrictPlanTests(DistrictPlanTests.EarlyWaves fixture) : IClassFixture<DistrictPlanTests.EarlyWaves>
{
    /// <summary>Waves released three hours before their slot: an order placed before the cut-off joins a released wave.</summary>
    public sealed class EarlyWaves() : GrainClusterFixture(o => o with { Waves = new WavePolicy(TimeSpan.FromHours(3), 8) });

    [Fact]
    public async Task A_courier_of_both_markets_picks_up_at_both_and_carried_orders_stay_through_an_insertion()
    {
        var driver = new DistrictDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("gangdong-rider", Amsa, Gildong);
        var amsaOrder = await driver.PlaceOrder(Amsa, 1);
        var gildongOrder = await driver.PlaceOrder(Gildong, 1);

        // Each market released its own wave with its first order; the district plans both markets' orders together.
        // (A market's "plan now" has every stored order of that market; the other's may still be on its way.)
        await driver.Dispatcher(Amsa).PlanNow();
        await driver.Dispatcher(Gildong).PlanNow();
        // Debounced re-plans of the releases may still follow: read both boards and the orders between two plans.
        var (amsaBoard, gildongBoard, deliveries) = await Settled(driver, amsaOrder, gildongOrder);

        DispatchDriver.AssertSound(amsaBoard);
        foreach (var board in new[] { amsaBoard, gildongBoard })
        {
            var route = RouteOf(board, "gangdong-rider");
            Assert.NotNull(route);
            Assert.Contains(route.Stops, s => s.Kind == RouteStopKind.Pickup && s.OrderId == amsaOrder && s.MarketId == Amsa
                && s.Location == new GeoPosition(HandOver(Amsa).Lat, HandOver(Amsa).Lon));
            Assert.Contains(route.Stops, s => s.Kind == RouteStopKind.Pickup && s.OrderId == gildongOrder && s.MarketId == Gildong
                && s.Location == new GeoPosition(HandOver(Gildong).Lat, HandOver(Gildong).Lon));
            Assert.Contains(board.Couriers ?? [], c => c.CourierId == "gangdong-rider");
        }

        foreach (var orderId in new[] { amsaOrder, gildongOrder })
        {
            var delivery = deliveries[orderId];
            Assert.Equal("gangdong-rider", delivery.CourierId);
            Assert.Equal(Stop(amsaBoard, orderId, RouteStopKind.Delivery)!.Eta, delivery.Eta);
        }

        var courierView = (await driver.Basics.Courier("gangdong-rider").GetView())!;
        Assert.Equal(4, courierView.Route!.Stops.Length);

        // Staff of both markets follow the rider: their route reaches both markets' groups.
        foreach (var market in new[] { Amsa, Gildong })
        {
            await fixture.Services.Push.WaitForAsync(p => p.Group == PushGroups.Market(market) && p.Payload is CourierView c
                && c.CourierId == "gangdong-rider" && c.Route?.Stops.Length == 4, TimeSpan.FromSeconds(10));
        }

        // The rider picks up the amsa order: it is on board, locked to them.
        var rider = driver.Basics.Courier("gangdong-rider");
        Assert.True((await rider.ArrivedAtHandOver(Amsa)).Succeeded);
        var picked = await rider.PickUp([amsaOrder]);
        Assert.True(picked.Succeeded, picked.Error?.Detail);

        // A courier of amsa alone joins, and a new gildong order arrives in the released wave: it is inserted, and
        // only the rider of both markets may fetch it from gildong.
        await driver.StartCourier("amsa-only-rider", Amsa);
        var lateOrder = await driver.PlaceOrder(Gildong, 2);
        var after = await driver.WaitForBoard(Gildong, b => Stop(b, lateOrder, RouteStopKind.Delivery) is not null
            && Stop(b, amsaOrder, RouteStopKind.Pickup) is null);
        DispatchDriver.AssertSound(after);
        var carried = RouteOf(after, "gangdong-rider")!;
        Assert.Contains(carried.Stops, s => s.OrderId == amsaOrder && s.Kind == RouteStopKind.Delivery);
        Assert.Contains(carried.Stops, s => s.OrderId == lateOrder && s.Kind == RouteStopKind.Pickup && s.MarketId == Gildong);
        Assert.DoesNotContain(after.Routes.Where(r => r.CourierId != "gangdong-rider").SelectMany(r => r.Stops), s => s.OrderId == amsaOrder);
        Assert.DoesNotContain(after.Routes.Where(r => r.CourierId == "amsa-only-rider").SelectMany(r => r.Stops), s => s.MarketId == Gildong);
        Assert.Equal(OrderStatus.OutForDelivery, (await driver.Basics.Order(amsaOrder).GetView())!.Status);
    }

    private static async Task<(DispatchBoard Amsa, DispatchBoard Gildong, Dictionary<string, DeliveryInfo> Deliveries)> Settled(
        DistrictDriver driver, params string[] orderIds)
    {
        for (var attempt = 0; ; attempt++)
        {
            var amsa = await driver.Dispatcher(Amsa).GetBoard();
            var gildong = await driver.Dispatcher(Gildong).GetBoard();
            var deliveries = new Dictionary<string, DeliveryInfo>();
            foreach (var orderId in orderIds)
            {
                deliveries[orderId] = (await driver.Basics.Order(orderId).GetView())!.Delivery!;
            }

            var again = await driver.Dispatcher(Amsa).GetBoard();
            if ((amsa.Replans == gildong.Replans && again.Replans == amsa.Replans) || attempt == 50)
            {
                return (amsa, gildong, deliveries);
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_courier_cannot_serve_markets_of_different_districts()
    {
        var driver = new DistrictDriver(fixture.Cluster.GrainFactory, fixture.Services);
        var refused = await driver.Basics.Courier("two-district-rider").Register(
            new CourierProfile("배달원", "강동구", TravelMode.Scooter, 25_000, 8, [Amsa, Baskets.MarketId], []));

        Assert.Equal(ErrorKind.Unprocessable, refused.Error!.Kind);
        Assert.Contains("gangdong (amsa)", refused.Error.Detail, StringComparison.Ordinal);
        Assert.Contains("mangwon (mangwon)", refused.Error.Detail, StringComparison.Ordinal);
        Assert.Null(await driver.Basics.Courier("two-district-rider").GetView());
    }
}

/// <summary>The district's plan survives a restart of the whole cluster: it is sent again, and re-planning goes on from it.</summary>
public sealed class DistrictRestartTests(DistrictRestartTests.EarlyWaves fixture) : IClassFixture<DistrictRestartTests.EarlyWaves>
{
    /// <summary>Waves released three hours before their slot, so an order placed after the restart joins a released wave.</summary>
    public sealed class EarlyWaves() : GrainDatabaseFixture(o => o with { Waves = new WavePolicy(TimeSpan.FromHours(3), 8) });

    [Fact]
    public async Task After_a_restart_the_district_plan_is_served_again_and_new_orders_join_it()
    {
        string amsaOrder, gildongOrder;
        DispatchBoard before;
        var first = await GrainCluster.StartAsync(fixture.ConnectionString, fixture.Services);
        try
        {
            var driver = new DistrictDriver(first.GrainFactory, fixture.Services);
            await driver.StartCourier("restart-rider", Amsa, Gildong);
            amsaOrder = await driver.PlaceOrder(Amsa, 7);
            gildongOrder = await driver.PlaceOrder(Gildong, 7);
            await driver.Dispatcher(Amsa).PlanNow();
            before = await driver.Dispatcher(Gildong).PlanNow();
            DispatchDriver.AssertSound(before);
            Assert.NotNull(Stop(before, amsaOrder, RouteStopKind.Pickup));
            Assert.NotNull(Stop(before, gildongOrder, RouteStopKind.Pickup));
        }
        finally
        {
            await GrainCluster.StopAsync(first);
        }

        var second = await GrainCluster.StartAsync(fixture.ConnectionString, fixture.Services);
        try
        {
            var driver = new DistrictDriver(second.GrainFactory, fixture.Services);

            // The markets come back with the stored plan on their boards, from the district's storage.
            var served = await Eventually(async () => await driver.Dispatcher(Amsa).GetBoard(), b => b.Replans >= before.Replans);
            Assert.Equal(Stops(before), Stops(served));
            Assert.Equal("restart-rider", (await driver.Basics.Order(amsaOrder).GetView())!.Delivery!.CourierId);

            // A new order joins the plan in force; the district, restarted, plans the orders of both markets again.
            var added = await driver.PlaceOrder(Gildong, 8);
            var replanned = await driver.WaitForBoard(Amsa, b => b.Replans > before.Replans && Stop(b, added, RouteStopKind.Delivery) is not null);
            DispatchDriver.AssertSound(replanned);
            foreach (var orderId in new[] { amsaOrder, gildongOrder, added })
            {
                Assert.True(DispatchDriver.CourierOf(replanned, orderId) == "restart-rider", $"{orderId} is not on the rider's route: {Baskets.Canonical(replanned)}");
                var view = (await driver.Basics.Order(orderId).GetView())!;
                Assert.Equal("restart-rider", view.Delivery!.CourierId);
                Assert.NotNull(view.Delivery.Eta);
            }

            var route = (await driver.Basics.Courier("restart-rider").GetView())!.Route!;
            Assert.Equal(6, route.Stops.Length);
        }
        finally
        {
            await GrainCluster.StopAsync(second);
        }
    }

    private static List<(RouteStopKind, string, string?)> Stops(DispatchBoard board) =>
        [.. board.Routes.Single().Stops.Select(s => (s.Kind, s.OrderId, s.MarketId))];

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            var value = await read();
            if (done(value) || attempt == 100)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }
}
