using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Grains.Tests.Support;
using Orleans.TestingHost;

namespace MarketDelivery.Grains.Tests;

public sealed class CourierGrainTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    public static CourierProfile Profile => new("김배달", "마포구", TravelMode.Scooter, 20_000, 6, ["mangwon"], ["cold-chain"]);

    private ICourierGrain Courier(string id) => Cluster.GrainFactory.GetGrain<ICourierGrain>(id);

    [Fact]
    public async Task A_courier_registers_starts_and_ends_a_shift_and_cannot_end_it_twice()
    {
        var courier = Courier("courier-shift");
        var now = fixture.Services.Clock.GetUtcNow();

        var registered = await courier.Register(Profile);
        Assert.True(registered.Succeeded, registered.Error?.Detail);
        Assert.False(registered.Value!.OnShift);
        Assert.Null(registered.Value.Shift);
        Assert.Equal("김배달", registered.Value.Profile.Name);

        var started = await courier.StartShift(now.AddHours(4));
        Assert.True(started.Succeeded, started.Error?.Detail);
        Assert.True(started.Value!.OnShift);
        Assert.Equal(new CourierShift(now, now.AddHours(4)), started.Value.Shift);

        Assert.Equal(ErrorKind.Conflict, (await courier.StartShift(now.AddHours(5))).Error!.Kind);

        var ended = await courier.EndShift();
        Assert.True(ended.Succeeded, ended.Error?.Detail);
        Assert.False(ended.Value!.OnShift);
        Assert.Equal(new CourierShift(now, now), ended.Value.Shift); // ended at the (fixed) current time

        var endedTwice = await courier.EndShift();
        Assert.False(endedTwice.Succeeded);
        Assert.Equal(ErrorKind.Conflict, endedTwice.Error!.Kind);

        var pushed = fixture.Services.Push.Payloads<CourierView>(PushGroups.Courier("courier-shift"), PushEvents.Courier);
        Assert.Equal([false, true, false], pushed.Select(v => v.OnShift));
    }

    [Fact]
    public async Task Courier_state_is_persisted_and_read_back_after_deactivation()
    {
        var courier = Courier("courier-persist");
        var now = fixture.Services.Clock.GetUtcNow();
        Assert.True((await courier.Register(Profile)).Succeeded);
        Assert.True((await courier.StartShift(now.AddHours(2))).Succeeded);
        var before = await courier.GetView();

        await Cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = await courier.GetView();
        Assert.Equal(Baskets.Canonical(before), Baskets.Canonical(after));
        Assert.True(after!.OnShift);
        Assert.True((await courier.EndShift()).Succeeded);
        Assert.Equal(ErrorKind.Conflict, (await courier.EndShift()).Error!.Kind);
    }

    [Fact]
    public async Task Shift_commands_need_a_registered_courier_and_a_future_end()
    {
        Assert.Null(await Courier("courier-unknown").GetView());
        Assert.Equal(ErrorKind.NotFound, (await Courier("courier-unknown").StartShift(fixture.Services.Clock.GetUtcNow().AddHours(1))).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Courier("courier-unknown").EndShift()).Error!.Kind);

        var courier = Courier("courier-past");
        Assert.True((await courier.Register(Profile)).Succeeded);
        var past = await courier.StartShift(fixture.Services.Clock.GetUtcNow());
        Assert.Equal(ErrorKind.Invalid, past.Error!.Kind);
        Assert.False((await courier.GetView())!.OnShift);
    }

    [Fact]
    public async Task A_bad_profile_is_refused_and_nothing_is_registered()
    {
        var courier = Courier("courier-bad");

        var refused = await courier.Register(Profile with { Name = " ", CapacityBags = 0, MarketIds = [] });

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Equal(["capacity", "marketIds", "name"], refused.Error.Fields!.Keys.Order(StringComparer.Ordinal));
        Assert.Null(await courier.GetView());
    }
}
