using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Simulation.Tests;

/// <summary>
/// A small district day: gangdong (amsa + gildong), 8 orders each, a district fleet of one courier. The split gives
/// it to amsa and leaves gildong none, so gildong's orders can only be delivered by sharing: if the district run
/// delivers them all, an amsa courier picked up at gildong's hand-over point.
/// </summary>
public sealed class DistrictDayFixture
{
    public DistrictDayFixture()
    {
        Catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
        Options = new SimulationOptions
        {
            Seed = 3,
            District = "gangdong",
            DistrictFleet = 1,
            OrdersPerMarket = 8,
            WaveTimeLimit = TimeSpan.FromMilliseconds(150),
            ReplanTimeLimit = TimeSpan.FromMilliseconds(60),
        };
        Markets = DaySimulation.SelectMarkets(Catalog, Options);
        World = WorldGenerator.Generate(Markets, Options);
        District = DaySimulation.Run(World, DaySimulation.Dispatcher, Options);
        PerMarket = DaySimulation.Run(World, DaySimulation.Dispatcher, Options with { District = null });
        Baseline = DaySimulation.Run(World, DaySimulation.Baseline, Options);
    }

    public MarketCatalog Catalog { get; }
    public SimulationOptions Options { get; }
    public IReadOnlyList<Market> Markets { get; }
    public World World { get; }
    public RunResult District { get; }
    public RunResult PerMarket { get; }
    public RunResult Baseline { get; }

    public GeoPoint HandOver(string marketId) => Markets.Single(m => m.Id == marketId).HandOverPoint.Location;
}

public sealed class DistrictDayTests(DistrictDayFixture day) : IClassFixture<DistrictDayFixture>
{
    [Fact]
    public void The_district_names_its_markets_and_the_fleet_is_split_over_them()
    {
        Assert.Equal(["amsa", "gildong"], day.Markets.Select(m => m.Id));
        Assert.Equal(16, day.World.Orders.Count);
        Assert.Equal(8, day.World.Orders.Count(o => o.MarketId == "gildong"));
        var courier = Assert.Single(day.World.Couriers);
        Assert.Equal("amsa", courier.MarketId);
        Assert.True(GreatCircleKm(day.HandOver("amsa"), day.HandOver("gildong")) > 1.0, "the hand-over points are km apart");
    }

    [Fact]
    public void Fleet_split_is_even_with_the_remainder_to_the_first_markets()
    {
        Assert.Equal([4, 3], WorldGenerator.SplitFleet(7, 2));
        Assert.Equal([3, 3], WorldGenerator.SplitFleet(6, 2));
        Assert.Equal([1, 0], WorldGenerator.SplitFleet(1, 2));
        Assert.Equal([2, 1, 1], WorldGenerator.SplitFleet(4, 3));
        // Each market draws the same orders whatever its share of the fleet.
        var alone = WorldGenerator.Generate([day.Markets[1]], day.Options with { District = null, DistrictFleet = null, CouriersPerMarket = 2 });
        Assert.Equal(alone.Orders.Select(o => (o.OrderId, o.Destination, o.ReadyAt)), day.World.Orders.Where(o => o.MarketId == "gildong").Select(o => (o.OrderId, o.Destination, o.ReadyAt)));
    }

    [Fact]
    public void The_district_run_delivers_every_order_of_both_markets_with_a_shared_courier()
    {
        var run = day.District;
        Assert.Null(run.Error);
        Assert.Equal(DaySimulation.DistrictDispatcher, run.Policy);
        Assert.Equal(16, run.Kpis.Delivered);
        var deliveries = run.Couriers.SelectMany(c => c.Stops.Where(s => s.Kind == SimStopKind.Delivery).Select(s => s.OrderId)).ToList();
        Assert.Equal(deliveries.Count, deliveries.Distinct(StringComparer.Ordinal).Count());
        Assert.All(run.Orders, o => Assert.True(o.PickedUpAt >= o.ReadyAt && o.DeliveredAt >= o.WindowStart, $"{o.OrderId} picked up early or delivered before its window"));

        var courier = Assert.Single(run.Couriers);
        Assert.Equal(1, Summary.SharedCouriers(run));
        var marketOf = run.Orders.ToDictionary(o => o.OrderId, o => o.MarketId, StringComparer.Ordinal);
        var pickups = courier.Stops.Where(s => s.Kind == SimStopKind.Pickup).ToList();
        // Every order is picked up at its own market's hand-over point, and the courier visited both.
        Assert.All(pickups, s => Assert.Equal(day.HandOver(marketOf[s.OrderId]), s.Location));
        Assert.Equal(["amsa", "gildong"], pickups.Select(s => marketOf[s.OrderId]).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_district_plan_is_one_plan_for_the_district_and_passes_the_validator()
    {
        Assert.NotEmpty(day.District.Replans);
        // Feasible is DispatchPlan.IsFeasible: the routing library's independent validator found no violation.
        Assert.All(day.District.Replans, r => Assert.True(r.Feasible, $"{r.Trigger} at {r.At:HH:mm} is not feasible"));
        Assert.All(day.District.Replans, r => Assert.Equal("gangdong", r.MarketId));
        Assert.Contains(day.District.Replans, r => r.Trigger.StartsWith("wave", StringComparison.Ordinal));
    }

    [Fact]
    public void Couriers_start_at_their_home_market_and_ride_back_to_it()
    {
        var courier = Assert.Single(day.District.Couriers);
        var home = day.HandOver(courier.MarketId);
        Assert.NotEmpty(courier.Legs);
        Assert.Equal(home, courier.Legs[0].From);
        Assert.Equal(home, courier.Legs[^1].To);
        Assert.True(courier.Legs[^1].Depart >= courier.Stops[^1].At, "the ride home comes after the last stop");
        Assert.True(courier.HomeMetres > 0 && courier.HomeMetres < courier.Metres);
        Assert.Equal(courier.Metres, courier.Legs.Sum(l => l.Metres), 6);
    }

    [Fact]
    public void Without_sharing_the_market_with_no_courier_gets_nothing_delivered()
    {
        // The same world market by market: gildong has no courier, by hand or with our dispatcher.
        foreach (var run in new[] { day.PerMarket, day.Baseline })
        {
            Assert.All(run.Orders.Where(o => o.MarketId == "gildong"), o => Assert.False(o.Delivered, $"{run.Policy}: {o.OrderId} delivered"));
            Assert.Equal(0, Summary.SharedCouriers(run));
            Assert.All(run.Couriers, c => Assert.Equal(0, c.HomeMetres));
        }
        Assert.Equal(8, day.Baseline.Orders.Count(o => o.MarketId == "amsa" && o.Delivered));
    }

    [Fact]
    public void District_line_compares_the_three_runs()
    {
        var line = Summary.DistrictLine(day.World, "gangdong", day.Options.Seed, day.District, day.PerMarket, day.Baseline);
        Assert.Matches(@"^DISTRICT district=gangdong seed=3 fleet=1 orders=16 on_time_pct=\d+\.\d\d per_market_on_time_pct=\d+\.\d\d baseline_on_time_pct=\d+\.\d\d courier_km=\d+\.\d per_market_courier_km=\d+\.\d baseline_courier_km=\d+\.\d home_km=\d+\.\d per_market_home_km=\d+\.\d shared_km_saving_pct=-?\d+\.\d shared_couriers=1$", line);
        // Per market, gildong's half of the orders was never delivered.
        Assert.Equal(8, day.PerMarket.Kpis.Unassigned);
        // The district's courier is home; the per-market one is somewhere in amsa's service area.
        Assert.Equal(0, Summary.HomeLeftKm(day.District, day.World), 6);
        Assert.InRange(Summary.HomeLeftKm(day.PerMarket, day.World), 0.001, 10);
    }

    private static double GreatCircleKm(GeoPoint a, GeoPoint b) =>
        MarketDelivery.Routing.Travel.GreatCircleTravelSource.HaversineMetres(a.Lon, a.Lat, b.Lon, b.Lat) / 1000.0;
}

public sealed class DistrictOptionTests
{
    [Fact]
    public void The_district_run_plans_within_the_limits_the_district_grain_uses_unless_scaled()
    {
        var options = new SimulationOptions { District = "gangdong" };
        var grain = new MarketDelivery.Dispatch.DispatchSettings().ForMarkets(2);

        var district = DaySimulation.DistrictLimits(options, markets: 2);
        Assert.Equal(grain.SolveTimeLimit, district.WaveTimeLimit);
        Assert.Equal(grain.IncrementalTimeLimit, district.ReplanTimeLimit);
        Assert.True(district.WaveTimeLimit > options.WaveTimeLimit);

        var asOneMarket = DaySimulation.DistrictLimits(options with { DistrictSolveScale = 1 }, markets: 2);
        Assert.Equal(options.WaveTimeLimit, asOneMarket.WaveTimeLimit);
        Assert.Equal(options.ReplanTimeLimit, asOneMarket.ReplanTimeLimit);
    }

    [Fact]
    public void District_options_are_parsed_and_checked()
    {
        var o = SimulationOptions.Parse(["--district", "gangdong", "--district-fleet", "7"], out var errors);
        Assert.Empty(errors);
        Assert.Equal("gangdong", o.District);
        Assert.Equal(7, o.DistrictFleet);
        Assert.Null(new SimulationOptions().District);
        Assert.Null(new SimulationOptions().DistrictSolveScale);
        Assert.Equal(2, SimulationOptions.Parse(["--district", "gangdong", "--district-solve-scale", "2"], out errors).DistrictSolveScale);
        Assert.Empty(errors);
        SimulationOptions.Parse(["--district-solve-scale", "0"], out errors);
        Assert.Contains(errors, e => e.Contains("--district-solve-scale", StringComparison.Ordinal));

        SimulationOptions.Parse(["--district", "gangdong", "--markets", "amsa"], out errors);
        Assert.Contains(errors, e => e.Contains("--district and --markets", StringComparison.Ordinal));
        SimulationOptions.Parse(["--district-fleet", "7"], out errors);
        Assert.Contains(errors, e => e.Contains("--district-fleet", StringComparison.Ordinal));
        SimulationOptions.Parse(["--district"], out errors);
        Assert.Contains(errors, e => e.Contains("--district needs a value", StringComparison.Ordinal));
    }

    [Fact]
    public void A_district_selects_its_markets_and_an_unknown_one_is_a_clear_error()
    {
        var catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
        Assert.Equal(["amsa", "gildong"], DaySimulation.SelectMarkets(catalog, new SimulationOptions { District = "gangdong" }).Select(m => m.Id));
        // A market in no district is a district alone.
        Assert.Equal(["mangwon"], DaySimulation.SelectMarkets(catalog, new SimulationOptions { District = "mangwon" }).Select(m => m.Id));
        var ex = Assert.Throws<ArgumentException>(() => DaySimulation.SelectMarkets(catalog, new SimulationOptions { District = "nowhere" }));
        Assert.Contains("Unknown district 'nowhere'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("gangdong", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--district", "nowhere")]
    [InlineData("sweep", "--district", "nowhere", "--couriers", "2")]
    [InlineData("--district", "gangdong", "--markets", "amsa")]
    public void The_command_line_exits_2_on_a_bad_district(params string[] args)
    {
        var main = typeof(DaySimulation).Assembly.EntryPoint!;
        var error = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Assert.Equal(2, main.Invoke(null, [args]));
        }
        finally
        {
            Console.SetError(error);
        }
        Assert.Contains(args.Contains("--markets") ? "--district and --markets" : "Unknown district 'nowhere'", captured.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void District_sweep_takes_the_total_fleet_and_reports_the_per_market_dispatcher()
    {
        var (_, fleets, _, options) = FleetSweep.ParseArgs(["--district", "gangdong", "--seeds", "1..2", "--couriers", "9..10"], out var errors);
        Assert.Empty(errors);
        Assert.Equal([9, 10], fleets);
        Assert.Equal("gangdong", options.District);

        List<FleetSweep.Point> points =
        [
            new(1, 9, 600, 585, 560, 1.2, 1.9, 590, 1.3), new(1, 10, 600, 595, 570, 1.2, 1.9, 587, 1.3),
            new(2, 9, 600, 590, 575, 1.2, 1.9, 592, 1.3), new(2, 10, 600, 600, 590, 1.2, 1.9, 600, 1.3),
        ];
        var o = FleetSweep.Summarise(points);
        Assert.Equal(10, o.Fleet98Dispatcher); // seed 1 fleet 9: 97.5 %
        Assert.Null(o.Fleet98Baseline);
        Assert.Equal(9, o.Fleet98PerMarket); // 98.33 and 98.67 %
        Assert.EndsWith(" dominance_violations=0 fleet98_per_market=9", FleetSweep.FleetLine(o), StringComparison.Ordinal);
        Assert.Contains(" per_market_on_time_pct=98.33 per_market_km_per_order=1.300", FleetSweep.PointLine(points[0]), StringComparison.Ordinal);
        // A market sweep's lines keep their format.
        Assert.DoesNotContain("per_market", FleetSweep.FleetLine(FleetSweep.Summarise([new(1, 9, 100, 99, 98, 1, 2)])), StringComparison.Ordinal);
    }
}
