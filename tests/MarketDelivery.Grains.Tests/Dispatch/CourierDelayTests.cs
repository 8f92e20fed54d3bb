using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Grains.Tests.Support;

namespace MarketDelivery.Grains.Tests.Dispatch;

/// <summary>Position updates that show a courier cannot make the plan trigger a re-plan from where they are.</summary>
public sealed class CourierDelayTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    [Fact]
    public async Task A_courier_far_behind_the_plan_causes_a_replan_from_their_position()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("slow-courier");
        var orderId = await driver.PlaceOrder(5);
        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var board = await driver.Dispatcher.PlanNow();
        var pickup = board.Routes.Single().Stops.First(s => s.OrderId == orderId && s.Kind == RouteStopKind.Pickup);

        // A position next to the plan changes nothing; one 6 km away (stuck across the river) does.
        Assert.True((await driver.Courier("slow-courier").UpdatePosition(new GeoPosition(pickup.Location.Lat + 0.0003, pickup.Location.Lon))).Succeeded);
        Assert.True((await driver.Courier("slow-courier").UpdatePosition(new GeoPosition(37.5130, 126.9400))).Succeeded);

        // Other re-plans may come first (the debounced one from the shift start); wait for one that knows the delay.
        var replanned = await driver.WaitForBoard(b => b.Replans > board.Replans
            && b.Routes.SingleOrDefault()?.Stops.FirstOrDefault(s => s.OrderId == orderId && s.Kind == RouteStopKind.Pickup) is { } p
            && p.Eta > pickup.Eta.AddMinutes(8));
        DispatchDriver.AssertSound(replanned);
        Assert.Equal(orderId, replanned.Routes.Single().Stops[0].OrderId);
    }
}
