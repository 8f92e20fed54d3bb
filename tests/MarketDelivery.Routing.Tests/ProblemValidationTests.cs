using MarketDelivery.Routing.Model;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

public class ProblemValidationTests
{
    private static readonly Location[] Places = [L("depot", 0, 0), L("a", 1, 0)];

    private static RoutingProblemException Rejected(RoutingProblem problem)
    {
        Assert.Throws<RoutingProblemException>(() => RoutingSolver.Validate(problem));
        // The solver rejects it before any solve (a travel source that must never be asked).
        return Assert.Throws<RoutingProblemException>(() => new RoutingSolver(new ThrowingTravel()).Solve(problem));
    }

    private sealed class ThrowingTravel : Travel.ITravelMatrixSource
    {
        public Travel.TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("travel asked for an invalid problem");
    }

    [Fact]
    public void Negative_demand_is_rejected()
    {
        var e = Rejected(Problem(Places, [Van("v1")], [J("a", "a", amount: -3)]));
        Assert.Contains(e.Errors, m => m.Contains("Job 'a'") && m.Contains("negative") && m.Contains("-3"));
    }

    [Fact]
    public void Window_ending_before_it_starts_is_rejected()
    {
        var e = Rejected(Problem(Places, [Van("v1")], [J("a", "a", window: new TimeWindow(100, 50))]));
        Assert.Contains(e.Errors, m => m.Contains("Job 'a'") && m.Contains("window end 50 is before its start 100"));
    }

    [Fact]
    public void Unknown_location_is_rejected()
    {
        var e = Rejected(Problem(Places, [Van("v1")], [J("a", "nowhere")]));
        Assert.Contains(e.Errors, m => m.Contains("unknown location 'nowhere'"));
    }

    [Fact]
    public void Every_error_is_listed_at_once()
    {
        var problem = Problem(Places, [Van("v1", start: "x")],
            [J("a", "a", amount: -1), J("a", "a")],
            shipments: [new Shipment("s", new Visit("a"), new Visit("a", -5), [1, 2], MaxRideSeconds: 0)],
            initial: [new InitialRoute("ghost", [new StepRef("zzz", StepKind.Job)], LockedCount: 3)]);
        var e = Rejected(problem);
        Assert.True(e.Errors.Count >= 7, string.Join("\n", e.Errors));
        Assert.Contains(e.Errors, m => m.Contains("Vehicle 'v1'") && m.Contains("unknown location 'x'"));
        Assert.Contains(e.Errors, m => m.Contains("used twice"));
        Assert.Contains(e.Errors, m => m.Contains("service time"));
        Assert.Contains(e.Errors, m => m.Contains("2 entries but the problem has 1"));
        Assert.Contains(e.Errors, m => m.Contains("maximum ride time"));
        Assert.Contains(e.Errors, m => m.Contains("unknown vehicle"));
        Assert.Contains(e.Errors, m => m.Contains("unknown job 'zzz'"));
    }

    [Fact]
    public void A_valid_problem_passes()
    {
        RoutingSolver.Validate(Problem(Places, [Van("v1")], [J("a", "a")]));
    }
}
