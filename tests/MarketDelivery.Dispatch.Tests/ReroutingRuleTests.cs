using MarketDelivery.Routing.Plans;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>When a re-plan replaces the routes in force: punctuality first, then couriers and distance past the threshold.</summary>
public class ReroutingRuleTests
{
    private static ObjectiveBreakdown Cost(double distance, double lateness, double penalty = 0, double fixedCost = 0) =>
        new(fixedCost + distance + lateness + penalty, fixedCost, distance, 0, lateness, penalty, distance, 0, 0);

    [Fact]
    public void Less_lateness_wins_whatever_the_distance()
    {
        // 1 minute less late at 5 km/min, for 20 km more: the plain sum said no.
        Assert.True(DispatchPlanner.IsWorthRerouting(Cost(50_000, 0), Cost(30_000, 5_000), 1_000));
        Assert.True(DispatchPlanner.IsWorthRerouting(Cost(50_000, 0), Cost(30_000, 0, penalty: 1_000_000), 1_000));
    }

    [Fact]
    public void More_lateness_never_wins_whatever_it_saves()
    {
        Assert.False(DispatchPlanner.IsWorthRerouting(Cost(10_000, 5_000), Cost(40_000, 0), 1_000));
    }

    [Fact]
    public void Equally_punctual_plans_need_the_minimum_saving()
    {
        Assert.False(DispatchPlanner.IsWorthRerouting(Cost(29_500, 2_000), Cost(30_000, 2_000), 1_000));
        Assert.True(DispatchPlanner.IsWorthRerouting(Cost(28_500, 2_000), Cost(30_000, 2_000), 1_000));
        Assert.True(DispatchPlanner.IsWorthRerouting(Cost(30_000, 0, fixedCost: 0), Cost(30_000, 0, fixedCost: 1_500), 1_000));
    }
}
