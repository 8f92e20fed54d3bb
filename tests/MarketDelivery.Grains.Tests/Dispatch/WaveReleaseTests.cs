using MarketDelivery.Grains.Tests.Support;

namespace MarketDelivery.Grains.Tests.Dispatch;

/// <summary>A wave is released by its reminder at its time, also when the silos restarted in between.</summary>
public sealed class WaveReleaseTests(GrainDatabaseFixture fixture) : IClassFixture<GrainDatabaseFixture>
{
    [Fact]
    public async Task A_wave_is_released_at_its_time_after_a_silo_restart_and_planned()
    {
        string orderId;
        var first = await GrainCluster.StartAsync(fixture.ConnectionString, fixture.Services);
        try
        {
            var driver = new DispatchDriver(first.GrainFactory, fixture.Services);
            await driver.StartCourier("wave-courier");
            orderId = await driver.PlaceOrder(1);

            var board = await driver.Dispatcher.GetBoard();
            var wave = Assert.Single(board.Waves);
            Assert.Equal(Baskets.SlotId, wave.SlotId);
            Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 15, 0, TimeSpan.FromHours(9)), wave.ReleaseAt);
            Assert.Null(wave.ReleasedAt);
            Assert.Empty(board.Routes);
        }
        finally
        {
            await GrainCluster.StopAsync(first);
        }

        // Time passes while nothing runs; the new silos learn of the wave only from the stored reminder.
        fixture.Services.Time.SetUtcNow(DispatchDriver.WaveDue);
        var second = await GrainCluster.StartAsync(fixture.ConnectionString, fixture.Services);
        try
        {
            var driver = new DispatchDriver(second.GrainFactory, fixture.Services);
            var planned = await driver.WaitForBoard(b => b.Routes.Any(r => r.Stops.Any(s => s.OrderId == orderId)));

            var wave = Assert.Single(planned.Waves);
            Assert.Equal(DispatchDriver.WaveDue, wave.ReleasedAt);
            DispatchDriver.AssertSound(planned);
            Assert.Equal("wave-courier", DispatchDriver.CourierOf(planned, orderId));
            var order = await driver.Order(orderId).GetView();
            Assert.Equal("wave-courier", order!.Delivery!.CourierId);
            Assert.InRange(order.Delivery.Eta!.Value, order.SlotStart, order.SlotEnd);
        }
        finally
        {
            await GrainCluster.StopAsync(second);
        }
    }
}
