using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>Settings that reach the routing library as they are documented.</summary>
public class SettingsTests
{
    private readonly DispatchPlanner _planner = new();

    [Fact]
    public void A_lower_work_rate_bounds_the_search_whatever_the_time_limit()
    {
        var snapshot = new DispatchSnapshot(Now, Wave(20, seed: 5), [Courier("c1"), Courier("c2"), Courier("c3")]);

        // 1 000 work units per second of a 3 s limit: the search stops after its first iterations, far short of what
        // half a second of search at the calibrated rate does.
        var bounded = _planner.Solve(snapshot, Fast(3) with { WorkUnitsPerSecond = 1_000 });
        var free = _planner.Solve(snapshot, Fast(0.5));

        AssertSound(bounded.Plan);
        Assert.Empty(bounded.Plan.Unassigned);
        Assert.True(bounded.Routing.Summary!.WorkUnits * 10 < free.Routing.Summary!.WorkUnits, $"work {bounded.Routing.Summary.WorkUnits} against {free.Routing.Summary.WorkUnits}");
        Assert.True(bounded.Plan.SolveTime < TimeSpan.FromSeconds(2.5), "the search stops on its budget, not on the clock");
    }
}
