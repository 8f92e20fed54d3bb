using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>
/// <see cref="DispatchSettings.BookedEndPassShare"/>: a fleet short of capacity before the margins still delivers what it
/// can by the booked window ends; a fleet with room plans as before.
/// </summary>
public class BookedEndPassTests
{
    private readonly DispatchPlanner _planner = new();

    // The work of a quiet 1 s, under a cap a loaded test machine does not reach: the plans are the same on any machine.
    private static readonly DispatchSettings Settings = Fast(20) with { WorkUnitsPerSecond = new Routing.Model.SolveOptions().WorkUnitsPerSecond / 20 };

    private static DispatchSnapshot ThreeCouriers(int orders, int seed) =>
        new(Now, Wave(orders, seed: seed), [Courier("c1"), Courier("c2"), Courier("c3")]);

    private static int Late(DispatchPlan plan) =>
        plan.Routes.SelectMany(r => r.Stops).Count(s => s.Kind == PlannedStopKind.Delivery && s.Lateness > TimeSpan.Zero);

    /// <summary>The snapshot planned in one hard-window pass and with half of it held back; the latter is sound and serves all.</summary>
    private (DispatchSolution OnePass, DispatchSolution Held) PlanBothWays(DispatchSnapshot snapshot)
    {
        var onePass = _planner.Solve(snapshot, Settings);
        var held = _planner.Solve(snapshot, Settings with { BookedEndPassShare = 0.5 });
        AssertSound(held.Plan);
        Assert.Empty(held.Plan.Unassigned);
        Assert.Equal("work budget", held.Routing.Summary!.StoppedBy);
        return (onePass, held);
    }

    [Fact]
    public void A_fleet_short_before_the_margins_delivers_more_orders_by_the_booked_end()
    {
        // 50 orders for three scooters: not all can be done 45 minutes before 13:00; by 13:00 they can.
        var (onePass, held) = PlanBothWays(ThreeCouriers(50, seed: 1));

        Assert.True(Late(onePass.Plan) > 0, "the wave should be short of capacity before the margins");
        Assert.True(Late(held.Plan) < Late(onePass.Plan), $"late with the booked-end pass: {Late(held.Plan)}, without: {Late(onePass.Plan)}");
    }

    [Fact]
    public void A_fleet_with_room_gets_no_late_order_either_way()
    {
        var (onePass, held) = PlanBothWays(ThreeCouriers(45, seed: 5));

        Assert.Equal(0, Late(onePass.Plan));
        Assert.Equal(0, Late(held.Plan));
    }
}
