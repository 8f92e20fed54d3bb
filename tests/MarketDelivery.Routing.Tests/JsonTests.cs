using MarketDelivery.Routing.Json;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Plans;
using MarketDelivery.Routing.Travel;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

public class JsonTests
{
    [Fact]
    public void Documented_example_problem_reads_solves_and_round_trips()
    {
        var problem = RoutingJson.ReadProblem(File.ReadAllText(DataFile("market-problem.json")));
        Assert.Equal(["grams", "bags"], problem.AmountDimensions);
        Assert.Equal(TravelMode.Scooter, problem.Vehicles[0].Mode);
        Assert.Null(problem.Vehicles[1].EndLocationId);
        Assert.Equal(WindowPolicy.Soft, problem.Jobs[0].Delivery.Policy);
        Assert.Equal(2700, problem.Shipments[0].MaxRideSeconds);
        Assert.Equal(VehicleCosts.DistanceOnly, problem.Vehicles[1].Costs ?? VehicleCosts.DistanceOnly);

        var travel = new GreatCircleTravelSource();
        var plan = SolveValid(problem, travel: travel);
        Assert.Empty(plan.Unassigned);
        Assert.Contains("order-18", plan.Routes.Single(r => r.VehicleId == "rider-kim").Stops.Select(s => s.JobId));

        var json = RoutingJson.WritePlan(plan);
        Assert.Contains("\"vehicleId\": \"rider-kim\"", json);
        Assert.Contains("\"type\": \"pickup\"", json);
        var back = RoutingJson.ReadPlan(json);
        Assert.Equal(plan.Objective, back.Objective);
        Assert.Equal(plan.Routes.Count, back.Routes.Count);
        Assert.True(new Validation.PlanValidator(travel).Validate(problem, back).IsFeasible);

        var again = RoutingJson.ReadProblem(RoutingJson.WriteProblem(problem));
        Assert.Equal(RoutingJson.WriteProblem(problem), RoutingJson.WriteProblem(again));
    }

    [Fact]
    public void Route_lines_are_geojson_features()
    {
        var problem = Problem([L("depot", 126.99, 37.57), L("a", 127.0, 37.58)], [Van("v1")], [J("a", "a")]);
        var plan = SolveValid(problem);
        var geo = RoutingJson.WriteRouteLines(problem, plan);
        Assert.Contains("\"FeatureCollection\"", geo);
        Assert.Contains("\"LineString\"", geo);
        Assert.Contains("126.99", geo);
        Assert.Contains("\"vehicleId\": \"v1\"", geo);
        Assert.Contains("\"Point\"", geo);
        Assert.Contains("\"jobId\": \"a\"", geo);
        var features = RoutingJson.RouteLines(problem, plan);
        Assert.Equal(1 + 3, features.Count); // the line, start, job, end
    }

    [Fact]
    public void Missing_required_field_is_a_clear_json_error()
    {
        const string json = """{ "amountDimensions": [], "locations": [], "vehicles": [] }""";
        var problem = RoutingJson.ReadProblem(json);
        var e = Assert.Throws<RoutingProblemException>(() => RoutingSolver.Validate(problem));
        Assert.Contains("no vehicles", e.Message);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => RoutingJson.ReadProblem("""{ "amountDimensions": [], "locations": [ { "id": null, "longitude": 1, "latitude": 2 } ], "vehicles": [] }"""));
    }
}
