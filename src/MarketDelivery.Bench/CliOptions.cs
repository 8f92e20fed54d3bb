using System.Globalization;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Bench;

internal sealed class CliOptions
{
    public List<string> Positional { get; } = [];
    public Dictionary<string, string> Named { get; } = new(StringComparer.Ordinal);

    public static CliOptions Parse(string[] args)
    {
        var o = new CliOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"Option {args[i]} needs a value.");
                }
                o.Named[args[i][2..]] = args[++i];
            }
            else
            {
                o.Positional.Add(args[i]);
            }
        }
        return o;
    }

    public string? Get(string name) => Named.TryGetValue(name, out var v) ? v : null;
    public double GetDouble(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public int GetInt(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public SolveOptions SolveOptions()
    {
        var strategy = (Get("strategy") ?? "hybrid") switch
        {
            "hybrid" => SolverStrategy.OrToolsThenRuinRecreate,
            "ortools" => SolverStrategy.OrToolsOnly,
            "rr" => SolverStrategy.RuinRecreateOnly,
            var s => throw new ArgumentException($"Unknown strategy '{s}'."),
        };
        var rr = new MarketDelivery.Routing.Solving.RuinRecreateSettings();
        if (Get("t0") is not null)
        {
            rr = rr with { StartTemperature = GetDouble("t0", rr.StartTemperature) };
        }
        if (Get("tf") is not null)
        {
            rr = rr with { EndTemperature = GetDouble("tf", rr.EndTemperature) };
        }
        if (Get("elimination-share") is not null)
        {
            rr = rr with { RouteEliminationShare = GetDouble("elimination-share", rr.RouteEliminationShare) };
        }
        if (Get("cbar") is not null)
        {
            rr = rr with { AverageRemoved = GetDouble("cbar", rr.AverageRemoved) };
        }
        var o = new SolveOptions
        {
            TimeLimit = TimeSpan.FromSeconds(GetDouble("time-limit", 2)),
            Seed = GetInt("seed", 1),
            Strategy = strategy,
            RuinRecreate = rr,
            Threads = GetInt("threads", 1),
            FirstSolution = (Get("first") ?? "auto") switch
            {
                "auto" => FirstSolutionHeuristic.Automatic,
                "savings" => FirstSolutionHeuristic.Savings,
                "pci" => FirstSolutionHeuristic.ParallelCheapestInsertion,
                "lci" => FirstSolutionHeuristic.LocalCheapestInsertion,
                "pca" => FirstSolutionHeuristic.PathCheapestArc,
                var f => throw new ArgumentException($"Unknown first solution '{f}'."),
            },
        };
        if (Get("work-rate") is not null)
        {
            o = o with { WorkUnitsPerSecond = GetDouble("work-rate", o.WorkUnitsPerSecond) };
        }
        if (Get("iterations") is { } it)
        {
            o = o with { MaxIterations = long.Parse(it, CultureInfo.InvariantCulture) };
        }
        return o;
    }
}
