using MarketDelivery.Grains.Tests.Support;

namespace MarketDelivery.Grains.Tests.Dispatch;

/// <summary>
/// A re-plan asked for at once (a wave released, staff's "plan now") plans every change a debounced re-plan was waiting
/// for, so the district drops that one instead of solving the same inputs again a moment later.
/// </summary>
public sealed class PlanNowTests(PlanNowTests.SlowDebounce fixture) : IClassFixture<PlanNowTests.SlowDebounce>
{
    /// <summary>Debounced re-plans wait an hour: one asked for during the test is still pending when the test looks.</summary>
    public sealed class SlowDebounce() : GrainClusterFixture(o => o with { ReplanDebounce = TimeSpan.FromHours(1) });

    [Fact]
    public async Task Plan_now_drops_the_debounced_re_plan_it_makes_redundant()
    {
        using var replans = DistrictReplans.Watch(fixture.Services);
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);

        // The courier's start of shift asks the district for a debounced re-plan (the roster changed).
        await driver.StartCourier("plan-now-courier");
        for (var i = 0; replans.Scheduled == 0 && i < 300; i++)
        {
            await Task.Delay(100);
        }

        Assert.True(replans.Scheduled > 0, "the courier's start of shift did not ask for a debounced re-plan");
        Assert.Equal(0, replans.Dropped);

        var order = await driver.PlaceOrder(1);
        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var board = await driver.Dispatcher.PlanNow();

        // Planned at once, with the courier the pending re-plan was for; that re-plan is gone, not an hour away.
        Assert.Equal("plan-now-courier", DispatchDriver.CourierOf(board, order));
        Assert.True(replans.Dropped > 0, "the debounced re-plan is still pending after the plan that covers it");
    }
}
