using MarketDelivery.Routing.Benchmarks;
using MarketDelivery.Routing.Model;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

public class BenchmarkTests
{
    [Theory]
    [InlineData("C101")]
    [InlineData("R101")]
    [InlineData("RC208")]
    public void Solomon_instance_is_solved_feasibly_at_a_short_limit(string name)
    {
        var text = File.ReadAllText(Path.Combine(SolomonFolder(), name + ".txt"));
        var problem = BenchmarkReaders.ReadSolomon(text);
        Assert.Equal(100, problem.Jobs.Count);
        Assert.Equal(25, problem.Vehicles.Count);
        var plan = SolveValid(problem, new SolveOptions { TimeLimit = TimeSpan.FromSeconds(1) });
        Assert.Empty(plan.Unassigned);
        Assert.True(plan.Summary!.WallSeconds < 30); // a sanity bound, not a timing test
    }

    [Fact]
    public void Solomon_reader_reads_the_depot_fleet_and_customers()
    {
        var problem = BenchmarkReaders.ReadSolomon(File.ReadAllText(Path.Combine(SolomonFolder(), "C101.txt")));
        Assert.Equal(new TimeWindow(0, 1236), problem.Vehicles[0].Shift);
        Assert.Equal([200L], problem.Vehicles[0].Capacity);
        var first = problem.Jobs[0];
        Assert.Equal("1", first.Id);
        Assert.Equal(new TimeWindow(912, 967), first.Delivery.Window);
        Assert.Equal(90, first.Delivery.ServiceSeconds);
        Assert.Equal([10L], first.Amount);
        Assert.Equal(45, problem.Locations[1].Longitude);
        Assert.Equal(68, problem.Locations[1].Latitude);
    }

    [Fact]
    public void Li_Lim_reader_pairs_pickups_with_deliveries_and_the_instance_solves()
    {
        var problem = BenchmarkReaders.ReadLiLim(File.ReadAllText(DataFile("tiny-lilim.txt")));
        Assert.Equal(3, problem.Vehicles.Count);
        Assert.Equal([50L], problem.Vehicles[0].Capacity);
        Assert.Equal(6, problem.Shipments.Count);
        var s = problem.Shipments.Single(x => x.Id == "p3-d8");
        Assert.Equal("3", s.Pickup.LocationId);
        Assert.Equal("8", s.Delivery.LocationId);
        Assert.Equal(new TimeWindow(255, 324), s.Delivery.Window);
        Assert.Equal([10L], s.Amount);

        var plan = SolveValid(problem);
        Assert.Empty(plan.Unassigned);
    }

    [Fact]
    public void Li_Lim_reader_rejects_a_dangling_pair()
    {
        const string text = "1 10 1\n0 0 0 0 0 100 0 0 0\n1 1 1 5 0 100 0 0 9\n";
        var e = Assert.Throws<FormatException>(() => BenchmarkReaders.ReadLiLim(text));
        Assert.Contains("delivery 9", e.Message);
    }
}
