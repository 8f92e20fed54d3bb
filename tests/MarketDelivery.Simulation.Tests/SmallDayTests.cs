using System.Text.RegularExpressions;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Simulation.Tests;

/// <summary>A small day: one market, 40 orders, short solve limits, both runs computed once for the class.</summary>
public sealed class SmallDayFixture
{
    public SmallDayFixture()
    {
        Catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
        Options = new SimulationOptions
        {
            Seed = 7,
            Markets = ["mangwon"],
            OrdersPerMarket = 40,
            CouriersPerMarket = 3,
            WaveTimeLimit = TimeSpan.FromMilliseconds(150),
            ReplanTimeLimit = TimeSpan.FromMilliseconds(60),
        };
        Markets = DaySimulation.SelectMarkets(Catalog, Options.Markets);
        World = WorldGenerator.Generate(Markets, Options);
        Baseline = DaySimulation.Run(World, DaySimulation.Baseline, Options);
        Dispatcher = DaySimulation.Run(World, DaySimulation.Dispatcher, Options);
    }

    public MarketCatalog Catalog { get; }
    public SimulationOptions Options { get; }
    public IReadOnlyList<Market> Markets { get; }
    public World World { get; }
    public RunResult Baseline { get; }
    public RunResult Dispatcher { get; }
}

public sealed class SmallDayTests(SmallDayFixture day) : IClassFixture<SmallDayFixture>
{
    [Fact]
    public void World_has_the_requested_orders_inside_the_service_area_with_bookable_slots()
    {
        var market = day.Markets[0];
        Assert.Equal(40, day.World.Orders.Count);
        Assert.Equal(3, day.World.Couriers.Count);
        foreach (var o in day.World.Orders)
        {
            Assert.True(market.Serves(o.Destination), $"{o.OrderId} outside the service area");
            var slot = market.ResolveSlot(o.SlotId, o.PlacedAt);
            Assert.True(slot.Succeeded, $"{o.OrderId}: {slot.Message}");
            Assert.Equal(slot.Slot!.Start, o.WindowStart);
            Assert.True(o.ReadyAt > o.PlacedAt);
            Assert.InRange(o.WeightGrams, 100, day.Options.MaxBasketGrams);
        }
    }

    [Fact]
    public void A_cancelled_day_stops_with_a_cancellation_rather_than_reporting_a_failed_planner()
    {
        // The fleet advice cancels its simulation when its grain goes; the run must stop, not count every order unassigned.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DaySimulation.Run(day.World, DaySimulation.Dispatcher, day.Options, cancellationToken: cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DaySimulation.Run(day.World, DaySimulation.Baseline, day.Options, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Both_runs_complete_and_see_identical_orders()
    {
        Assert.Null(day.Baseline.Error);
        Assert.Null(day.Dispatcher.Error);
        static List<(string, DateTimeOffset, DateTimeOffset, DateTimeOffset, GeoPoint, DateTimeOffset)> Key(RunResult r) =>
            r.Orders.OrderBy(o => o.OrderId, StringComparer.Ordinal)
                .Select(o => (o.OrderId, o.PlacedAt, o.WindowStart, o.WindowEnd, o.Destination, o.ReadyAt)).ToList();
        Assert.Equal(Key(day.Baseline), Key(day.Dispatcher));
        Assert.Equal(day.World.Orders.Select(o => o.OrderId).Order(StringComparer.Ordinal), day.Dispatcher.Orders.Select(o => o.OrderId).Order(StringComparer.Ordinal));
        Assert.Equal(
            day.Baseline.Couriers.Select(c => (c.CourierId, c.Mode)).ToList(),
            day.Dispatcher.Couriers.Select(c => (c.CourierId, c.Mode)).ToList());
        Assert.NotEmpty(day.Dispatcher.Replans);
        Assert.Empty(day.Baseline.Replans);
    }

    [Theory]
    [InlineData(DaySimulation.Baseline)]
    [InlineData(DaySimulation.Dispatcher)]
    public void Every_order_is_delivered_once_or_reported_unassigned(string policy)
    {
        var run = policy == DaySimulation.Baseline ? day.Baseline : day.Dispatcher;
        Assert.Equal(40, run.Orders.Count);
        var deliveries = run.Couriers.SelectMany(c => c.Stops.Where(s => s.Kind == SimStopKind.Delivery).Select(s => s.OrderId)).ToList();
        Assert.Equal(deliveries.Count, deliveries.Distinct(StringComparer.Ordinal).Count());
        foreach (var o in run.Orders)
        {
            if (o.Delivered)
            {
                Assert.Contains(o.OrderId, deliveries);
                Assert.NotNull(o.PickedUpAt);
                Assert.True(o.PickedUpAt >= o.ReadyAt, $"{o.OrderId} picked up before it was ready");
                Assert.True(o.DeliveredAt >= o.WindowStart, $"{o.OrderId} delivered before its window");
                Assert.True(o.DeliveredAt > o.PickedUpAt);
            }
            else
            {
                Assert.DoesNotContain(o.OrderId, deliveries);
            }
        }
        var k = run.Kpis;
        Assert.Equal(k.Orders, k.Delivered + k.Unassigned);
        Assert.InRange(k.OnTimePct, 0, 100);
        Assert.True(k.CourierKm > 0);
    }

    [Fact]
    public void Trigger_re_plans_search_the_whole_plan_and_new_orders_are_inserted()
    {
        // Full re-plans run the improvement search, so they take a measurable share of the re-plan limit; a plan
        // triggered only by new orders is the insert-only path. Either way every plan is validator-clean.
        Assert.All(day.Dispatcher.Replans, r => Assert.True(r.Feasible, $"{r.Trigger} at {r.At:HH:mm} is not feasible"));
        Assert.Contains(day.Dispatcher.Replans, r => !r.Trigger.StartsWith("wave", StringComparison.Ordinal) && r.Trigger != "new-order");
    }

    [Fact]
    public void Periodic_re_plans_and_ready_first_pick_ups_lose_nothing()
    {
        var options = day.Options with { ReplanPeriod = TimeSpan.FromMinutes(15), ReadyFirst = true };
        var run = DaySimulation.Run(day.World, DaySimulation.Dispatcher, options);
        Assert.Null(run.Error);
        Assert.Contains(run.Replans, r => r.Trigger == "periodic");
        Assert.Equal(40, run.Kpis.Delivered);
        var deliveries = run.Couriers.SelectMany(c => c.Stops.Where(s => s.Kind == SimStopKind.Delivery).Select(s => s.OrderId)).ToList();
        Assert.Equal(deliveries.Count, deliveries.Distinct(StringComparer.Ordinal).Count());
        Assert.All(run.Orders, o => Assert.True(o.PickedUpAt >= o.ReadyAt, $"{o.OrderId} picked up before it was ready"));
    }

    [Fact]
    public void Kpi_line_has_the_exact_format()
    {
        var line = Summary.KpiLine(day.Dispatcher, day.Baseline);
        Assert.Matches(new Regex(@"^KPI on_time_pct=\d+\.\d\d km_per_order=\d+\.\d{3} baseline_on_time_pct=\d+\.\d\d baseline_km_per_order=\d+\.\d{3} improvement_pct=-?\d+\.\d solve_p95_ms=\d+$"), line);
    }

    [Fact]
    public void Html_report_is_written_with_charts_and_map_and_nothing_to_fetch()
    {
        var path = Path.Combine(Path.GetTempPath(), "md-sim-tests-" + Guid.NewGuid().ToString("N"), "report.html");
        try
        {
            HtmlReport.Write(path, day.World, day.Options, day.Dispatcher, day.Baseline);
            var html = File.ReadAllText(path);
            Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
            Assert.Equal(3, Regex.Count(html, "<svg[^>]*class=\"chart\""));
            Assert.Single(Regex.Matches(html, "<svg[^>]*class=\"map\""));
            Assert.Contains("<polygon", html, StringComparison.Ordinal);
            Assert.Contains("<polyline", html, StringComparison.Ordinal);
            Assert.Contains("Orders over the day", html, StringComparison.Ordinal);
            Assert.Contains("Courier utilisation", html, StringComparison.Ordinal);
            Assert.Contains(Summary.KpiLine(day.Dispatcher, day.Baseline), html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(new Regex("(src|href)=\"https?:"), html);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_world_and_the_same_baseline()
    {
        var world = WorldGenerator.Generate(day.Markets, day.Options);
        Assert.Equal(day.World.Orders, world.Orders, new SimOrderComparer());
        var again = DaySimulation.Run(world, DaySimulation.Baseline, day.Options);
        Assert.Equal(day.Baseline.Orders, again.Orders);
        Assert.Equal(day.Baseline.Couriers.Select(c => c.Metres), again.Couriers.Select(c => c.Metres));
        Assert.Equal(Summary.KpiLine(null, day.Baseline), Summary.KpiLine(null, again));
    }

    [Fact]
    public void Another_seed_gives_another_world()
    {
        var other = WorldGenerator.Generate(day.Markets, day.Options with { Seed = 8 });
        Assert.NotEqual(day.World.Orders.Select(o => o.Destination), other.Orders.Select(o => o.Destination));
    }

    private sealed class SimOrderComparer : IEqualityComparer<SimOrder>
    {
        public bool Equals(SimOrder? x, SimOrder? y) =>
            x is not null && y is not null && x.OrderId == y.OrderId && x.PlacedAt == y.PlacedAt && x.Destination == y.Destination
            && x.WindowStart == y.WindowStart && x.Picks.SequenceEqual(y.Picks);

        public int GetHashCode(SimOrder obj) => obj.OrderId.GetHashCode(StringComparison.Ordinal);
    }
}

public sealed class OptionsTests
{
    [Fact]
    public void Command_line_options_are_parsed()
    {
        var o = SimulationOptions.Parse(["--seed", "3", "--orders-per-market", "150", "--markets", "amsa,mangwon", "--out", "x.html", "--time-limit-ms", "900"], out var errors);
        Assert.Empty(errors);
        Assert.Equal(3, o.Seed);
        Assert.Equal(150, o.OrdersPerMarket);
        Assert.Equal(["amsa", "mangwon"], o.Markets);
        Assert.Equal("x.html", o.OutputPath);
        Assert.Equal(TimeSpan.FromMilliseconds(900), o.WaveTimeLimit);
    }

    [Fact]
    public void Re_plan_options_are_parsed_and_full_re_plans_are_the_default()
    {
        Assert.True(new SimulationOptions().FullReplans);
        Assert.Null(new SimulationOptions().ReplanPeriod);
        Assert.False(new SimulationOptions().ReadyFirst);
        var o = SimulationOptions.Parse(["--full-replans", "0", "--replan-period-min", "15", "--ready-first", "1"], out var errors);
        Assert.Empty(errors);
        Assert.False(o.FullReplans);
        Assert.Equal(TimeSpan.FromMinutes(15), o.ReplanPeriod);
        Assert.True(o.ReadyFirst);
        Assert.Null(SimulationOptions.Parse(["--replan-period-min", "0"], out _).ReplanPeriod);
    }

    [Fact]
    public void The_simulated_dispatcher_plans_with_the_planners_defaults_as_the_grain_does()
    {
        var planner = new MarketDelivery.Dispatch.DispatchSettings();
        var o = new SimulationOptions();
        Assert.Equal(planner.SolveTimeLimit, o.WaveTimeLimit);
        Assert.Equal(planner.IncrementalTimeLimit, o.ReplanTimeLimit);
        Assert.Equal(planner.LatenessCostPerMinute, o.LatenessCostPerMinute);
        Assert.Equal(planner.UsedCourierCost, o.UsedCourierCost);
        Assert.Equal(planner.HardWindowShare, o.HardWindowShare);
        Assert.Equal(0.5, SimulationOptions.Parse(["--hard-share", "0.5"], out var shareErrors).HardWindowShare);
        Assert.Empty(shareErrors);
        SimulationOptions.Parse(["--hard-share", "1"], out shareErrors);
        Assert.Contains(shareErrors, e => e.Contains("--hard-share", StringComparison.Ordinal));
        Assert.True(o.RunPerMarket);
        Assert.False(SimulationOptions.Parse(["--per-market", "0"], out var errors).RunPerMarket);
        Assert.Empty(errors);
    }

    [Fact]
    public void The_delivery_margin_is_the_planner_default_unless_given()
    {
        Assert.Equal(new MarketDelivery.Dispatch.DispatchSettings().DeliveryMargin, new SimulationOptions().DeliveryMargin);
        Assert.Equal(TimeSpan.FromMinutes(30), SimulationOptions.Parse(["--margin-min", "30"], out var errors).DeliveryMargin);
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMinutes(10), SimulationOptions.Parse(["--buffer-min", "10"], out _).DeliveryMargin);
    }

    [Fact]
    public void A_slow_cpu_factor_is_parsed_and_must_be_at_least_one()
    {
        Assert.Equal(1, new SimulationOptions().SlowCpu);
        var o = SimulationOptions.Parse(["--slow-cpu", "3.5"], out var errors);
        Assert.Empty(errors);
        Assert.Equal(3.5, o.SlowCpu);
        SimulationOptions.Parse(["--slow-cpu", "0.5"], out errors);
        Assert.Single(errors);
    }

    [Fact]
    public void Bad_options_are_reported()
    {
        SimulationOptions.Parse(["--seed", "x", "--nope"], out var errors);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Default_fleet_is_staffed_for_the_slots()
    {
        var o = new SimulationOptions();
        Assert.Equal(8, o.FleetSize(5));
        Assert.Equal(12, o.FleetSize(3));
        Assert.Equal(5, (o with { CouriersPerMarket = 5 }).FleetSize(3));
    }
}
