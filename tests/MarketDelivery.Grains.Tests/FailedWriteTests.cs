using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Grains.Tests.Support;
using Orleans.Runtime;
using Orleans.TestingHost;
using static MarketDelivery.Grains.Tests.Support.Baskets;

namespace MarketDelivery.Grains.Tests;

/// <summary>
/// A grain never acknowledges or serves a change its storage did not accept. Each test makes the storage refuse the
/// writes of one grain, shows the change is refused with <see cref="StateNotStoredException"/>, and that once storage
/// works again the grain answers from what was stored, not from the change it could not store.
/// </summary>
public sealed class FailedWriteTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>, IDisposable
{
    private TestCluster Cluster => fixture.Cluster;

    private StorageFaults Faults => fixture.Services.Faults;

    public void Dispose() => Faults.Heal();

    private void FailWritesOf(string storage, string key) =>
        Faults.FailWrites((name, grain) => name == storage && grain.Key.ToString() == key);

    [Fact]
    public async Task An_order_whose_write_failed_is_not_replayed_as_placed()
    {
        // The reported reproducer: a refused order activates the grain, the database goes away, the order is sent.
        var command = ThreeStalls("failed-write-customer", "failed-write-1");
        var orderId = OrderIdFor(command);
        var grain = Cluster.GrainFactory.GetGrain<IOrderGrain>(orderId);
        Assert.False((await grain.Place(command with { Lines = [command.Lines[0] with { Quantity = 0 }] })).Succeeded);

        FailWritesOf("orders", orderId);
        await Assert.ThrowsAsync<StateNotStoredException>(() => grain.Place(command));
        // Sent again while the database is still down: refused again, never "placed" from memory.
        await Assert.ThrowsAsync<StateNotStoredException>(() => Eventually(() => grain.Place(command)));
        Assert.DoesNotContain(await Cluster.GrainFactory.GetGrain<IStallGrain>(Chaeso).GetTickets(null), t => t.OrderId == orderId);

        Faults.Heal();
        Assert.Null(await Eventually(grain.GetView));
        var placed = await grain.Place(command);
        Assert.True(placed.Succeeded, placed.Error?.Detail);
        Assert.False(placed.Value!.Replayed);
    }

    [Fact]
    public async Task A_change_of_a_stored_order_that_could_not_be_written_is_not_served()
    {
        var command = ThreeStalls("failed-write-customer", "failed-write-2");
        var orderId = OrderIdFor(command);
        var grain = Cluster.GrainFactory.GetGrain<IOrderGrain>(orderId);
        Assert.True((await grain.Place(command)).Succeeded);

        FailWritesOf("orders", orderId);
        await Assert.ThrowsAsync<StateNotStoredException>(() => grain.Cancel("changed my mind"));
        Faults.Heal();

        var view = await Eventually(grain.GetView);
        Assert.Equal(OrderStatus.Placed, view!.Status);
        Assert.Contains(await Cluster.GrainFactory.GetGrain<IStallGrain>(Chaeso).GetTickets(PickTicketStatus.Open), t => t.OrderId == orderId);
        Assert.True((await grain.Cancel("changed my mind")).Succeeded);
    }

    [Fact]
    public async Task A_shift_that_could_not_be_stored_has_not_started()
    {
        var courier = Cluster.GrainFactory.GetGrain<ICourierGrain>("failed-write-courier");
        Assert.True((await courier.Register(CourierGrainTests.Profile)).Succeeded);

        FailWritesOf("couriers", "failed-write-courier");
        await Assert.ThrowsAsync<StateNotStoredException>(() => courier.StartShift(fixture.Services.Clock.GetUtcNow().AddHours(4)));
        Faults.Heal();

        var view = await Eventually(courier.GetView);
        Assert.False(view!.OnShift);
        Assert.True((await courier.StartShift(fixture.Services.Clock.GetUtcNow().AddHours(4))).Succeeded);
        Assert.True((await courier.EndShift()).Succeeded);
    }

    /// <summary>
    /// Calls until the spent activation is gone: between the failed write and its deactivation a call may still reach
    /// it and is refused (never served) with <see cref="StateNotStoredException"/>.
    /// </summary>
    internal static async Task<T> Eventually<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (StateNotStoredException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}

/// <summary>The dispatcher's plan is on its board only once stored; a plan its storage refused is not served.</summary>
public sealed class DispatcherFailedWriteTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>, IDisposable
{
    public void Dispose() => fixture.Services.Faults.Heal();

    [Fact]
    public async Task A_plan_that_could_not_be_stored_is_not_on_the_board()
    {
        var driver = new DispatchDriver(fixture.Cluster.GrainFactory, fixture.Services);
        await driver.StartCourier("failed-plan-courier");
        var order = await driver.PlaceOrder(1);
        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var before = await driver.Dispatcher.PlanNow();
        Assert.NotNull(DispatchDriver.CourierOf(before, order));

        fixture.Services.Faults.FailWrites((name, grain) => name == "dispatch" && grain.Key.ToString() == MarketId);
        await Assert.ThrowsAsync<StateNotStoredException>(() => driver.Dispatcher.PlanNow());
        fixture.Services.Faults.Heal();

        var board = await FailedWriteTests.Eventually(driver.Dispatcher.GetBoard);
        Assert.Equal(before.Replans, board.Replans);
        Assert.Equal(before.LastPlannedAt, board.LastPlannedAt);
        Assert.Equal(DispatchDriver.CourierOf(before, order), DispatchDriver.CourierOf(board, order));
    }
}
