namespace MarketDelivery.Dispatch.Tests;

public class WavePolicyTests
{
    private static readonly DateTimeOffset Slot = new(2026, 5, 12, 11, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void The_default_releases_45_minutes_before_the_slot()
    {
        Assert.Equal(Slot - TimeSpan.FromMinutes(45), WavePolicy.Default.ReleaseAt(Slot));
        Assert.False(WavePolicy.Default.ShouldRelease(Slot - TimeSpan.FromMinutes(46), Slot, readyOrders: 0));
        Assert.True(WavePolicy.Default.ShouldRelease(Slot - TimeSpan.FromMinutes(45), Slot, readyOrders: 0));
        Assert.True(WavePolicy.Default.ShouldRelease(Slot, Slot, readyOrders: 0));
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(30, true)]
    public void Enough_ready_orders_release_the_wave_early(int ready, bool released)
    {
        var twoHoursBefore = Slot - TimeSpan.FromHours(2);
        Assert.Equal(released, WavePolicy.Default.ShouldRelease(twoHoursBefore, Slot, ready));
    }

    [Fact]
    public void A_custom_policy_uses_its_own_lead_time_and_threshold()
    {
        var policy = new WavePolicy(TimeSpan.FromMinutes(20), 3);
        Assert.Equal(Slot - TimeSpan.FromMinutes(20), policy.ReleaseAt(Slot));
        Assert.False(policy.ShouldRelease(Slot - TimeSpan.FromMinutes(30), Slot, 2));
        Assert.True(policy.ShouldRelease(Slot - TimeSpan.FromMinutes(30), Slot, 3));
        Assert.True(policy.ShouldRelease(Slot - TimeSpan.FromMinutes(20), Slot, 0));
    }
}
