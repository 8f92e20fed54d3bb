using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>
/// The stage switches of <see cref="DispatchSettings"/> that wave-bench measures: what builds a cold plan's first routes
/// (our search or OR-Tools) and whether the hard-window pass runs. Each path must give a sound plan serving every order.
/// </summary>
public class SearchStageTests
{
    private readonly DispatchPlanner _planner = new();

    private DispatchSolution Solve(DispatchSettings settings, DispatchPlan? previous = null) =>
        _planner.Solve(new DispatchSnapshot(Now, Wave(16, seed: 3), [Courier("c1"), Courier("c2"), Courier("c3")], previous), settings);

    private static void AssertServesAll(DispatchSolution solution)
    {
        AssertSound(solution.Plan);
        Assert.Empty(solution.Plan.Unassigned);
    }

    [Fact]
    public void Without_the_hard_pass_an_OrTools_cold_start_builds_the_first_routes()
    {
        var solution = Solve(Fast(0.8) with { HardWindowPass = false, ColdStart = DispatchColdStart.OrTools });

        AssertServesAll(solution);
        Assert.StartsWith("OR-Tools", solution.Routing.Summary!.FirstSolution, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_hard_pass_the_default_cold_start_is_our_search_from_empty_routes()
    {
        var solution = Solve(Fast(0.8) with { HardWindowPass = false });

        AssertServesAll(solution);
        Assert.Equal("none", solution.Routing.Summary!.FirstSolution);
    }

    [Theory]
    [InlineData(DispatchColdStart.Search)]
    [InlineData(DispatchColdStart.OrTools)]
    public void With_the_hard_pass_the_soft_window_search_starts_from_its_routes(DispatchColdStart start)
    {
        var solution = Solve(Fast(0.8) with { ColdStart = start });

        AssertServesAll(solution);
        Assert.Equal("warm start", solution.Routing.Summary!.FirstSolution);
    }

    [Fact]
    public void A_plan_in_force_is_its_own_start_whatever_the_cold_start()
    {
        var first = Solve(Fast(0.5)).Plan;

        var again = Solve(Fast(0.5) with { HardWindowPass = false, ColdStart = DispatchColdStart.OrTools }, first);

        AssertServesAll(again);
        Assert.Equal("warm start", again.Routing.Summary!.FirstSolution);
    }
}
