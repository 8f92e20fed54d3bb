using MarketDelivery.Routing;
using MarketDelivery.Routing.Json;
using MarketDelivery.Routing.Travel;
using MarketDelivery.Routing.Validation;

namespace MarketDelivery.Bench;

/// <summary><c>solve problem.json</c>: prints the plan JSON on standard output.</summary>
internal static class SolveCommand
{
    public static int Run(CliOptions o)
    {
        if (o.Positional.Count != 1)
        {
            throw new ArgumentException("solve needs one problem file.");
        }
        var problem = RoutingJson.ReadProblem(File.ReadAllText(o.Positional[0]));
        ITravelMatrixSource travel = (o.Get("travel") ?? "greatcircle") switch
        {
            "greatcircle" => new GreatCircleTravelSource(o.GetDouble("circuity", 1.3)),
            "euclidean" => new EuclideanTravelSource(),
            var t => throw new ArgumentException($"Unknown travel source '{t}'."),
        };
        var plan = new RoutingSolver(travel).Solve(problem, o.SolveOptions());
        var report = new PlanValidator(travel).Validate(problem, plan);
        var json = RoutingJson.WritePlan(plan);
        if (o.Get("out") is { } path)
        {
            File.WriteAllText(path, json);
        }
        else
        {
            Console.WriteLine(json);
        }
        if (o.Get("geojson") is { } geo)
        {
            File.WriteAllText(geo, RoutingJson.WriteRouteLines(problem, plan));
        }
        Console.Error.WriteLine($"validator: {(report.IsFeasible ? "feasible" : "INFEASIBLE")}; cost {plan.Objective.Total:F2}; " +
            $"{plan.Routes.Count} routes; {plan.Unassigned.Count} unassigned");
        foreach (var v in report.Violations)
        {
            Console.Error.WriteLine("  " + v);
        }
        return report.IsFeasible ? 0 : 3;
    }
}
