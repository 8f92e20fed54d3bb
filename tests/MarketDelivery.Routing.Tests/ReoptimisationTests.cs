using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

public class ReoptimisationTests
{
    private static readonly Location[] Ring =
        Enumerable.Range(0, 12).Select(i => L("c" + i, 50 * Math.Cos(i * Math.PI / 6), 50 * Math.Sin(i * Math.PI / 6)))
            .Prepend(L("depot", 0, 0)).ToArray();

    private static RoutingProblem RingProblem(IReadOnlyList<InitialRoute>? initial = null) => Problem(
        Ring,
        [Van("v1", capacity: 8), Van("v2", capacity: 8)],
        Enumerable.Range(0, 12).Select(i => J("j" + i, "c" + i)).ToList(),
        initial: initial);

    private static List<StepRef> Steps(params int[] jobs) => jobs.Select(j => new StepRef("j" + j, StepKind.Job)).ToList();

    [Theory]
    [InlineData(SolverStrategy.OrToolsThenRuinRecreate)]
    [InlineData(SolverStrategy.OrToolsOnly)]
    [InlineData(SolverStrategy.RuinRecreateOnly)]
    public void Locked_stops_stay_in_place_across_a_reoptimisation(SolverStrategy strategy)
    {
        // A deliberately bad locked order: j6 (opposite side) then j0, then anything.
        var initial = new[]
        {
            new InitialRoute("v1", Steps(6, 0, 1, 2), LockedCount: 2),
            new InitialRoute("v2", Steps(3, 4, 5)),
        };
        var plan = SolveValid(RingProblem(initial), Fast(strategy));
        Assert.Empty(plan.Unassigned);
        var v1 = plan.Routes.Single(r => r.VehicleId == "v1");
        Assert.Equal(["j6", "j0"], Order(v1).Take(2));

        // Unlocked, the same problem is solved better and j6 does not come first.
        var free = SolveValid(RingProblem(), Fast(strategy));
        Assert.True(free.Objective.Total < plan.Objective.Total);
    }

    [Theory]
    [InlineData(SolverStrategy.OrToolsThenRuinRecreate)]
    [InlineData(SolverStrategy.OrToolsOnly)]
    [InlineData(SolverStrategy.RuinRecreateOnly)]
    public void Warm_start_is_never_worse_than_its_input(SolverStrategy strategy)
    {
        var good = SolveValid(RingProblem(), Fast(strategy));
        var asInitial = good.Routes.Select(r => new InitialRoute(r.VehicleId,
            r.Stops.Where(s => s.JobId is not null).Select(s => new StepRef(s.JobId!, StepKind.Job)).ToList())).ToList();
        var again = SolveValid(RingProblem(asInitial), Fast(strategy) with { Seed = 7, MaxIterations = 50 });
        Assert.True(again.Objective.Total <= good.Objective.Total + 1e-9);

        // A poor warm start (zig-zag) is improved, never worsened.
        var zigzag = new[] { new InitialRoute("v1", Steps(0, 6, 1, 7, 2, 8)), new InitialRoute("v2", Steps(3, 9, 4, 10, 5, 11)) };
        var poor = SolveValid(RingProblem(zigzag), Fast(strategy) with { MaxIterations = 0 });
        var improved = SolveValid(RingProblem(zigzag), Fast(strategy));
        Assert.True(improved.Objective.Total <= poor.Objective.Total + 1e-9);
    }

    [Fact]
    public void Shipment_on_board_stays_with_its_courier()
    {
        var problem = Problem(
            [L("depot", 0, 0), L("market", 1, 0), L("c1", 50, 0), L("c2", -50, 0)],
            [Van("v1"), Van("v2")],
            shipments:
            [
                new Shipment("onboard", new Visit("market"), new Visit("c2"), [1]),
                new Shipment("other", new Visit("market"), new Visit("c1"), [1]),
            ],
            initial: [new InitialRoute("v1", [new StepRef("onboard", StepKind.Pickup), new StepRef("onboard", StepKind.Delivery)], LockedCount: 1)]);
        var plan = SolveValid(problem);
        var v1 = plan.Routes.Single(r => r.VehicleId == "v1");
        Assert.Contains(v1.Stops, s => s.JobId == "onboard" && s.Type == StopType.Delivery);
        Assert.Equal("onboard", v1.Stops[1].JobId);
    }

    [Fact]
    public void Same_problem_and_seed_give_the_same_plan()
    {
        var a = SolveValid(RingProblem(), Fast() with { Seed = 3 });
        var b = SolveValid(RingProblem(), Fast() with { Seed = 3 });
        Assert.Equal(a.Routes.Select(Order).Select(o => string.Join(",", o)), b.Routes.Select(Order).Select(o => string.Join(",", o)));
        Assert.Equal(a.Objective.Total, b.Objective.Total);
    }

    [Fact]
    public void Two_search_threads_are_as_reproducible_as_one_and_no_worse_than_the_first()
    {
        var one = SolveValid(RingProblem(), Fast() with { Seed = 5 });
        var a = SolveValid(RingProblem(), Fast() with { Seed = 5, Threads = 2 });
        var b = SolveValid(RingProblem(), Fast() with { Seed = 5, Threads = 2 });
        Assert.Equal(a.Objective.Total, b.Objective.Total);
        Assert.Equal(a.Routes.Select(Order).Select(o => string.Join(",", o)), b.Routes.Select(Order).Select(o => string.Join(",", o)));
        Assert.True(a.Objective.Total <= one.Objective.Total + 1e-9);
    }

    [Fact]
    public void Cancellation_stops_the_search_early_with_a_valid_plan()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var plan = new RoutingSolver(Plane).Solve(RingProblem(), new SolveOptions { TimeLimit = TimeSpan.FromSeconds(30), Strategy = SolverStrategy.RuinRecreateOnly }, cts.Token);
        Assert.Equal("cancelled", plan.Summary!.StoppedBy);
        Assert.True(new Validation.PlanValidator(Plane).Validate(RingProblem(), plan).IsFeasible);
    }
}
