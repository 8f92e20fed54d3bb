using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Grains.Tests.Support;
using MarketDelivery.Testing;

namespace MarketDelivery.Grains.Tests;

/// <summary>
/// A courier acts only on orders assigned to them: pick-up, hand-over, failed delivery and delivery photos of another
/// courier's order (or of an order nobody is assigned) are refused, by the courier grain and by the order itself.
/// </summary>
public sealed class CourierAssignmentTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    [Fact]
    public async Task A_courier_cannot_pick_up_deliver_fail_or_photograph_another_couriers_order()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("assign-a");
        await driver.StartCourier("assign-b");
        var orderId = await driver.PlaceOrder(1);
        var order = driver.Order(orderId);
        var code = (await order.GetView())!.Delivery!.DeliveryCode;

        // Ready but not planned: nobody may take it, neither through the courier's phone nor straight at the order.
        var unplanned = await order.PickUp("assign-a");
        Assert.Equal(ErrorKind.Conflict, unplanned.Error!.Kind);
        Assert.Contains("not assigned to any courier", unplanned.Error.Detail, StringComparison.Ordinal);
        Assert.True((await driver.Courier("assign-a").ArrivedAtHandOver(Baskets.MarketId)).Succeeded);
        var viaPhone = await driver.Courier("assign-a").PickUp([orderId]);
        Assert.Equal(ErrorKind.Conflict, viaPhone.Error!.Kind);
        Assert.Contains("not assigned to any courier", viaPhone.Error.Detail, StringComparison.Ordinal);

        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var board = await driver.Dispatcher.PlanNow();
        var mine = DispatchDriver.CourierOf(board, orderId);
        Assert.NotNull(mine);
        var other = mine == "assign-a" ? "assign-b" : "assign-a";
        Assert.Equal(mine, (await order.GetView())!.Delivery!.CourierId);

        // Planned for the one courier: the other is refused with the reason, and the order stays at the market.
        Assert.True((await driver.Courier(other).ArrivedAtHandOver(Baskets.MarketId)).Succeeded);
        var stolen = await driver.Courier(other).PickUp([orderId]);
        Assert.Equal(ErrorKind.Conflict, stolen.Error!.Kind);
        Assert.Contains($"assigned to courier {mine}, not {other}", stolen.Error.Detail, StringComparison.Ordinal);
        var direct = await order.PickUp(other);
        Assert.Equal(ErrorKind.Conflict, direct.Error!.Kind);
        Assert.Contains($"assigned to courier {mine}, not {other}", direct.Error.Detail, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.ReadyForPickup, (await order.GetView())!.Status);
        Assert.Equal(ErrorKind.Conflict, (await order.AddDeliveryPhoto(other, TestImages.Png(4, 4))).Error!.Kind);

        Assert.True((await driver.Courier(mine).ArrivedAtHandOver(Baskets.MarketId)).Succeeded);
        var picked = await driver.Courier(mine).PickUp([orderId]);
        Assert.True(picked.Succeeded, picked.Error?.Detail);

        // Carried by the one courier: the other can neither hand it over (even with the right code) nor fail it.
        Assert.Equal(ErrorKind.Conflict, (await driver.Courier(other).Deliver(orderId, new DeliveryProof(code, null))).Error!.Kind);
        var deliveredByOther = await order.Deliver(other, new DeliveryProof(code, null));
        Assert.Equal(ErrorKind.Conflict, deliveredByOther.Error!.Kind);
        Assert.Contains($"assigned to courier {mine}, not {other}", deliveredByOther.Error.Detail, StringComparison.Ordinal);
        Assert.Equal(ErrorKind.Conflict, (await driver.Courier(other).FailDelivery(orderId, "고객 부재")).Error!.Kind);
        var failedByOther = await order.FailDelivery(other, "고객 부재");
        Assert.Equal(ErrorKind.Conflict, failedByOther.Error!.Kind);
        Assert.Contains($"assigned to courier {mine}, not {other}", failedByOther.Error.Detail, StringComparison.Ordinal);
        var photoByOther = await order.AddDeliveryPhoto(other, TestImages.Png(4, 4));
        Assert.Equal(ErrorKind.Conflict, photoByOther.Error!.Kind);
        Assert.Equal(OrderStatus.OutForDelivery, (await order.GetView())!.Status);

        var delivered = await driver.Courier(mine).Deliver(orderId, new DeliveryProof(code, null));
        Assert.True(delivered.Succeeded, delivered.Error?.Detail);
        Assert.Equal(OrderStatus.Delivered, (await order.GetView())!.Status);
    }
}

/// <summary>
/// Wrong delivery codes are limited per order: the fifth locks codes for the cool-down (also across a restart of the
/// order's activation), a right code is then refused until it has passed, and a photo proof still works meanwhile.
/// </summary>
public sealed class DeliveryCodeLimitTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private const string Courier = "code-courier";

    [Fact]
    public async Task Five_wrong_codes_lock_codes_until_the_cool_down_while_a_photo_proof_still_delivers()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier(Courier);
        var photoOrder = await driver.PlaceOrder(1);
        var waitOrder = await driver.PlaceOrder(2);
        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var board = await driver.Dispatcher.PlanNow();
        Assert.Equal(Courier, DispatchDriver.CourierOf(board, photoOrder));
        Assert.Equal(Courier, DispatchDriver.CourierOf(board, waitOrder));
        var courier = driver.Courier(Courier);

        // The order judges a photo by its bytes too, not only the HTTP layer: text and nothing are no photo.
        Assert.Equal(ErrorKind.Invalid, (await driver.Order(photoOrder).AddDeliveryPhoto(Courier, "not a photo at all"u8.ToArray())).Error!.Kind);
        Assert.Equal(ErrorKind.Invalid, (await driver.Order(photoOrder).AddDeliveryPhoto(Courier, [])).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await driver.Order("o-nophotoorder0000").AddDeliveryPhoto(Courier, TestImages.Png(2, 2))).Error!.Kind);

        Assert.True((await courier.ArrivedAtHandOver(Baskets.MarketId)).Succeeded);
        var picked = await courier.PickUp([photoOrder, waitOrder]);
        Assert.True(picked.Succeeded, picked.Error?.Detail);

        foreach (var orderId in new[] { photoOrder, waitOrder })
        {
            var code = (await driver.Order(orderId).GetView())!.Delivery!.DeliveryCode;
            var wrong = code == "0000" ? "1111" : "0000";
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                var refused = await courier.Deliver(orderId, new DeliveryProof(wrong, null));
                Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
                Assert.Contains($"{5 - attempt} attempt(s) left", refused.Error.Detail, StringComparison.Ordinal);
            }

            var locked = await courier.Deliver(orderId, new DeliveryProof(wrong, null));
            Assert.Equal(ErrorKind.TooManyAttempts, locked.Error!.Kind);
            Assert.Equal(TimeSpan.FromMinutes(15), locked.Error.RetryAfter);

            // The right code now is refused too: the lock is on codes, not on wrong ones.
            var right = await courier.Deliver(orderId, new DeliveryProof(code, null));
            Assert.Equal(ErrorKind.TooManyAttempts, right.Error!.Kind);
            Assert.Equal(OrderStatus.OutForDelivery, (await driver.Order(orderId).GetView())!.Status);
        }

        // The count and the lock are stored: a new activation of the orders still refuses codes.
        await fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        fixture.Services.Time.Advance(TimeSpan.FromMinutes(10));
        var stillLocked = await courier.Deliver(waitOrder, new DeliveryProof((await driver.Order(waitOrder).GetView())!.Delivery!.DeliveryCode, null));
        Assert.Equal(ErrorKind.TooManyAttempts, stillLocked.Error!.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), stillLocked.Error.RetryAfter);

        // A made-up photo reference is no proof; an uploaded photo is, lock or not.
        var madeUp = await courier.Deliver(photoOrder, new DeliveryProof(null, "ph-made-up"));
        Assert.Equal(ErrorKind.Unprocessable, madeUp.Error!.Kind);
        var uploaded = await driver.Order(photoOrder).AddDeliveryPhoto(Courier, TestImages.Png(8, 6, seed: 3));
        Assert.True(uploaded.Succeeded, uploaded.Error?.Detail);
        Assert.Equal("image/png", uploaded.Value!.ContentType);
        var byPhoto = await courier.Deliver(photoOrder, new DeliveryProof(null, uploaded.Value.PhotoId));
        Assert.True(byPhoto.Succeeded, byPhoto.Error?.Detail);
        var delivered = (await driver.Order(photoOrder).GetView())!;
        Assert.Equal(OrderStatus.Delivered, delivered.Status);
        Assert.Equal($"photo:{uploaded.Value.PhotoId}", delivered.Delivery!.Proof);

        // After the cool-down the right code delivers.
        fixture.Services.Time.Advance(TimeSpan.FromMinutes(5));
        var afterCoolDown = await courier.Deliver(waitOrder, new DeliveryProof((await driver.Order(waitOrder).GetView())!.Delivery!.DeliveryCode, null));
        Assert.True(afterCoolDown.Succeeded, afterCoolDown.Error?.Detail);
        Assert.Equal("code", (await driver.Order(waitOrder).GetView())!.Delivery!.Proof);
    }
}
