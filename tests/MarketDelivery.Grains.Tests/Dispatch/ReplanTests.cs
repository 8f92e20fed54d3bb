using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Grains.Tests.Support;

namespace MarketDelivery.Grains.Tests.Dispatch;

/// <summary>What a courier carries stays on that courier's route, in place, through a re-plan.</summary>
public sealed class OnBoardOrdersStayTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    [Fact]
    public async Task A_couriers_on_board_order_stays_on_its_route_through_a_replan()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("onboard-a");
        await driver.StartCourier("onboard-b", Contracts.Couriers.TravelMode.Bicycle);
        var orders = new List<string>();
        for (var n = 0; n < 4; n++)
        {
            orders.Add(await driver.PlaceOrder(n));
        }

        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var board = await driver.Dispatcher.PlanNow();
        DispatchDriver.AssertSound(board);
        Assert.All(orders, o => Assert.NotNull(DispatchDriver.CourierOf(board, o)));

        var carried = orders[0];
        var carrier = DispatchDriver.CourierOf(board, carried)!;
        Assert.True((await driver.Courier(carrier).ArrivedAtHandOver(Baskets.MarketId)).Succeeded);
        var picked = await driver.Courier(carrier).PickUp([carried]);
        Assert.True(picked.Succeeded, picked.Error?.Detail);
        Assert.Equal(OrderStatus.OutForDelivery, (await driver.Order(carried).GetView())!.Status);

        // The pick-up itself triggers a re-plan; then staff ask for another.
        var replans = board.Replans;
        await driver.WaitForBoard(b => b.Replans > replans);
        var after = await driver.Dispatcher.PlanNow();

        DispatchDriver.AssertSound(after);
        Assert.Equal(carrier, DispatchDriver.CourierOf(after, carried));
        var route = after.Routes.Single(r => r.CourierId == carrier);
        Assert.DoesNotContain(route.Stops, s => s.OrderId == carried && s.Kind == RouteStopKind.Pickup);
        var others = after.Routes.Where(r => r.CourierId != carrier).SelectMany(r => r.Stops);
        Assert.DoesNotContain(others, s => s.OrderId == carried);
        Assert.All(orders, o => Assert.NotNull(DispatchDriver.CourierOf(after, o)));
    }
}

/// <summary>A merchant running late makes the dispatcher re-plan; the order stays feasible or its lateness is shown.</summary>
public sealed class LateMerchantTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    [Fact]
    public async Task A_late_merchant_triggers_a_replan_that_keeps_the_order_feasible_or_reports_it_late()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("late-courier");
        var ready = await driver.PlaceOrder(1);
        var late = await driver.PlaceOrder(2, picked: false);

        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var first = await driver.Dispatcher.PlanNow();
        DispatchDriver.AssertSound(first);
        var firstEta = (await driver.Order(late).GetView())!.Delivery!.Eta;
        Assert.NotNull(firstEta);

        // Half an hour on, the stalls still have not confirmed: the next tick notices and plans around it.
        var now = DispatchDriver.WaveDue.AddMinutes(30);
        fixture.Services.Time.SetUtcNow(now);
        await driver.Dispatcher.Tick();
        var board = await driver.Dispatcher.GetBoard();

        Assert.True(board.Replans > first.Replans, "the late merchant did not cause a re-plan");
        DispatchDriver.AssertSound(board);
        var stop = board.Routes.SelectMany(r => r.Stops).Single(s => s.OrderId == late && s.Kind == RouteStopKind.Pickup);
        Assert.True(stop.Eta >= now, $"the plan still expects the bags at {stop.Eta:t}, before now ({now:t})");
        var order = (await driver.Order(late).GetView())!;
        var delivery = board.Routes.SelectMany(r => r.Stops).Single(s => s.OrderId == late && s.Kind == RouteStopKind.Delivery);
        Assert.True(delivery.Eta <= order.SlotEnd || delivery.LatenessMinutes > 0, "lateness must be reported, never hidden");
        Assert.Equal(delivery.Eta, order.Delivery!.Eta);
        Assert.NotNull(DispatchDriver.CourierOf(board, ready));
    }
}

/// <summary>A failed delivery sends the order back to the market; staff send it out again and it is planned anew.</summary>
public sealed class FailedDeliveryTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    [Fact]
    public async Task A_failed_delivery_returns_the_order_and_a_requeue_plans_it_again()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("fail-courier");
        var orderId = await driver.PlaceOrder(3);
        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var board = await driver.Dispatcher.PlanNow();
        Assert.Equal("fail-courier", DispatchDriver.CourierOf(board, orderId));

        var courier = driver.Courier("fail-courier");
        Assert.Equal(ErrorKind.Conflict, (await courier.PickUp([orderId])).Error!.Kind); // not at the market yet
        Assert.True((await courier.ArrivedAtHandOver(Baskets.MarketId)).Succeeded);
        Assert.True((await courier.PickUp([orderId])).Succeeded);
        Assert.Equal(ErrorKind.Conflict, (await courier.EndShift()).Error!.Kind); // an order is on board

        var failed = await courier.FailDelivery(orderId, "고객 부재");
        Assert.True(failed.Succeeded, failed.Error?.Detail);
        Assert.Empty(failed.Value!.OnBoardOrderIds);
        var returned = (await driver.Order(orderId).GetView())!;
        Assert.Equal(OrderStatus.DeliveryFailed, returned.Status);
        Assert.Equal("고객 부재", returned.StatusReason);
        Assert.Equal(ErrorKind.Conflict, (await courier.Deliver(orderId, new DeliveryProof(returned.Delivery!.DeliveryCode, null))).Error!.Kind);

        var requeued = await driver.Order(orderId).Requeue();
        Assert.True(requeued.Succeeded, requeued.Error?.Detail);
        var replanned = await driver.WaitForBoard(b => DispatchDriver.CourierOf(b, orderId) is not null && b.Replans > board.Replans);
        DispatchDriver.AssertSound(replanned);
        // Only the courier the new plan names may pick it up: wait until the order itself has been told (a board seen
        // above may still be one from before the return).
        await fixture.Services.Push.WaitForAsync(
            p => p.Payload is OrderView v && v.OrderId == orderId && v.Version > requeued.Value!.Version && v.Delivery?.CourierId == "fail-courier",
            TimeSpan.FromSeconds(30));

        // Second attempt: picked up again and delivered with the customer's code.
        Assert.True((await courier.ArrivedAtHandOver(Baskets.MarketId)).Succeeded);
        var pickedAgain = await courier.PickUp([orderId]);
        Assert.True(pickedAgain.Succeeded, pickedAgain.Error?.Detail);
        Assert.Equal(ErrorKind.Invalid, (await courier.Deliver(orderId, new DeliveryProof("wrong", null))).Error!.Kind);
        var delivered = await courier.Deliver(orderId, new DeliveryProof(returned.Delivery.DeliveryCode, null));
        Assert.True(delivered.Succeeded, delivered.Error?.Detail);
        Assert.Equal(OrderStatus.Delivered, (await driver.Order(orderId).GetView())!.Status);
    }
}

/// <summary>A courier leaving has their unstarted stops taken over by the others.</summary>
public sealed class CourierOffShiftTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    [Fact]
    public async Task A_courier_going_off_shift_has_their_unstarted_stops_reassigned()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("stay-courier");
        await driver.StartCourier("leave-courier");
        var orders = new List<string>();
        for (var n = 0; n < 6; n++)
        {
            orders.Add(await driver.PlaceOrder(n));
        }

        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var board = await driver.Dispatcher.PlanNow();
        DispatchDriver.AssertSound(board);
        Assert.All(orders, o => Assert.NotNull(DispatchDriver.CourierOf(board, o)));

        var ended = await driver.Courier("leave-courier").EndShift();
        Assert.True(ended.Succeeded, ended.Error?.Detail);

        var after = await driver.WaitForBoard(b => b.Replans > board.Replans && b.Routes.All(r => r.CourierId != "leave-courier"));
        DispatchDriver.AssertSound(after);
        foreach (var order in orders)
        {
            var courier = DispatchDriver.CourierOf(after, order);
            Assert.True(courier == "stay-courier" || after.Unassigned.Any(u => u.OrderId == order),
                $"order {order} is neither with the remaining courier nor reported unassigned");
            Assert.NotEqual("leave-courier", (await driver.Order(order).GetView())!.Delivery!.CourierId);
        }
    }
}
