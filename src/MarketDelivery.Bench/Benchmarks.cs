using System.Diagnostics;
using System.Globalization;
using MarketDelivery.Routing;
using MarketDelivery.Routing.Benchmarks;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Travel;
using MarketDelivery.Routing.Validation;

namespace MarketDelivery.Bench;

internal static class Benchmarks
{
    private sealed record Row(string Name, string Class, int Vehicles, double Distance, bool Feasible, int Unassigned,
        double Wall, double? GapDistanceOnly, double? GapHierarchical, long Iterations, double FirstSeconds, string StoppedBy, long Work);

    private static Dictionary<string, (int Vehicles, double Distance)> ReadBks(string path)
    {
        var result = new Dictionary<string, (int, double)>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return result;
        }
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length >= 3)
            {
                result[parts[0]] = (int.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
            }
        }
        return result;
    }

    private static string ClassOf(string name)
    {
        var letters = new string(name.TakeWhile(char.IsLetter).ToArray());
        var digit = name.Skip(letters.Length).FirstOrDefault();
        return letters.ToUpperInvariant() + digit;
    }

    public static int RunSolomon(CliOptions o) => Run(o, BenchmarkReaders.ReadSolomon, "txt");

    public static int RunLiLim(CliOptions o) => Run(o, BenchmarkReaders.ReadLiLim, "txt");

    private static int Run(CliOptions o, Func<string, RoutingProblem> read, string ext)
    {
        var dir = o.Get("data") ?? throw new ArgumentException("--data <dir> is required.");
        if (!Directory.Exists(dir))
        {
            throw new ArgumentException($"Data folder '{dir}' does not exist.");
        }
        var files = Directory.GetFiles(dir, "*." + ext).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (o.Get("instances") is { } pick)
        {
            var wanted = pick.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
            files = files.Where(f => wanted.Contains(Path.GetFileNameWithoutExtension(f))).ToList();
            if (files.Count != wanted.Count)
            {
                throw new ArgumentException("Some requested instances were not found in " + dir);
            }
        }
        var bksDistance = ReadBks(Path.Combine(dir, "bks_distance_only.csv"));
        var bks = ReadBks(Path.Combine(dir, "bks.csv"));
        var options = o.SolveOptions();
        var objective = o.Get("objective") ?? "distance";
        if (objective is not ("distance" or "vehicles"))
        {
            throw new ArgumentException($"Unknown objective '{objective}' (distance or vehicles).");
        }
        var vehicleMode = objective == "vehicles";
        // Any positive cost makes the fleet the second level of the objective; the size only
        // matters to OR-Tools' first solution (a weighted sum), so it is larger than any route here.
        var vehicleCost = o.GetDouble("vehicle-cost", 10_000);
        var parallel = Math.Max(1, o.GetInt("parallel", 1));
        var travel = new EuclideanTravelSource();
        Console.WriteLine($"# {files.Count} instances from {dir}; time limit {options.TimeLimit.TotalSeconds:F2} s; strategy {options.Strategy}; " +
            $"seed {options.Seed}; {options.Threads} search thread(s) per solve; {parallel} instance(s) at a time; gap = distance / best-known - 1; " +
            (vehicleMode ? $"objective vehicles (fixed cost {vehicleCost} per vehicle), then distance" : "objective distance"));
        Console.WriteLine($"{"instance",-9} {"veh",4} {"distance",10} {"feasible",8} {"wall_s",7} {"gap_dist%",9} {"gap_bks%",9} {"bks_veh",7} {"iters",8} {"first_s",7} {"Mwork",6} stopped_by");
        RoutingSolver.WarmUp(); // native library load and JIT are not charged to the first instance
        var rows = new Row?[files.Count];
        var total = Stopwatch.StartNew();
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, i =>
        {
            var name = Path.GetFileNameWithoutExtension(files[i]);
            var problem = read(File.ReadAllText(files[i]));
            if (vehicleMode)
            {
                problem = problem with
                {
                    Vehicles = problem.Vehicles.Select(v => v with { Costs = (v.Costs ?? VehicleCosts.DistanceOnly) with { Fixed = vehicleCost } }).ToList(),
                };
            }
            var solver = new RoutingSolver(travel);
            var clock = Stopwatch.StartNew();
            var plan = solver.Solve(problem, options);
            var wall = clock.Elapsed.TotalSeconds;
            var report = new PlanValidator(travel).Validate(problem, plan);
            var distance = report.RecomputedDistance;
            double? gd = bksDistance.TryGetValue(name, out var b1) ? ((distance / b1.Distance) - 1) * 100 : null;
            double? gh = bks.TryGetValue(name, out var b2) ? ((distance / b2.Distance) - 1) * 100 : null;
            var row = new Row(name, ClassOf(name), report.VehiclesUsed, distance, report.IsFeasible && plan.Unassigned.Count == 0,
                plan.Unassigned.Count, wall, gd, gh, plan.Summary?.Iterations ?? 0, plan.Summary?.FirstSolutionSeconds ?? 0, plan.Summary?.StoppedBy ?? "", plan.Summary?.WorkUnits ?? 0);
            rows[i] = row;
            lock (rows)
            {
                Console.WriteLine($"{row.Name,-9} {row.Vehicles,4} {row.Distance,10:F2} {(row.Feasible ? "yes" : "NO"),8} {row.Wall,7:F2} " +
                    $"{Fmt(row.GapDistanceOnly),9} {Fmt(row.GapHierarchical),9} {(bks.TryGetValue(name, out var b) ? b.Vehicles.ToString(CultureInfo.InvariantCulture) : "-"),7} {row.Iterations,8} {row.FirstSeconds,7:F2} {row.Work / 1e6,6:F1} {row.StoppedBy}");
                if (!report.IsFeasible)
                {
                    foreach (var v in report.Violations.Take(5))
                    {
                        Console.WriteLine("    " + v);
                    }
                }
                if (plan.Unassigned.Count > 0)
                {
                    Console.WriteLine($"    {plan.Unassigned.Count} unassigned, e.g. {plan.Unassigned[0].JobId}: {plan.Unassigned[0].Reason}");
                }
            }
        });
        var all = rows.Select(r => r!).ToList();
        Console.WriteLine();
        Console.WriteLine($"{"class",-6} {"n",3} {"feasible",8} {"veh",6} {"mean_gap_dist%",14} {"mean_gap_bks%",13} {"mean_wall_s",11}");
        foreach (var g in all.GroupBy(r => r.Class).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"{g.Key,-6} {g.Count(),3} {g.Count(r => r.Feasible),8} {g.Average(r => r.Vehicles),6:F2} " +
                $"{Mean(g.Select(r => r.GapDistanceOnly)),14} {Mean(g.Select(r => r.GapHierarchical)),13} {g.Average(r => r.Wall),11:F2}");
        }
        Console.WriteLine($"{"all",-6} {all.Count,3} {all.Count(r => r.Feasible),8} {all.Average(r => r.Vehicles),6:F2} " +
            $"{Mean(all.Select(r => r.GapDistanceOnly)),14} {Mean(all.Select(r => r.GapHierarchical)),13} {all.Average(r => r.Wall),11:F2}");
        Console.WriteLine($"# total wall {total.Elapsed.TotalSeconds:F1} s");
        var gaps = all.Where(r => r.GapDistanceOnly is not null).Select(r => r.GapDistanceOnly!.Value).OrderBy(x => x).ToList();
        var median = Median(gaps);
        if (vehicleMode)
        {
            // Hierarchical: vehicles first, then the distance gap to bks.csv.
            var hgaps = all.Where(r => r.GapHierarchical is not null).Select(r => r.GapHierarchical!.Value).OrderBy(x => x).ToList();
            var bksVehicles = all.Sum(r => bks.TryGetValue(r.Name, out var b) ? b.Vehicles : 0);
            var matched = all.Where(r => bks.TryGetValue(r.Name, out var b) && r.Vehicles <= b.Vehicles).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SUMMARY instances={all.Count} feasible={all.Count(r => r.Feasible)} vehicles={all.Sum(r => r.Vehicles)} bks_vehicles={bksVehicles} " +
                $"at_bks_vehicles={matched.Count} mean_gap_pct={(hgaps.Count == 0 ? double.NaN : hgaps.Average()):F2} median_gap_pct={Median(hgaps):F2} " +
                $"worst_gap_pct={(hgaps.Count == 0 ? double.NaN : hgaps.Max()):F2} mean_gap_at_bks_vehicles_pct={(matched.Count == 0 ? double.NaN : matched.Average(r => r.GapHierarchical ?? double.NaN)):F2} " +
                $"mean_wall_s={all.Average(r => r.Wall):F2}"));
            return all.All(r => r.Feasible) ? 0 : 4;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SUMMARY instances={all.Count} feasible={all.Count(r => r.Feasible)} mean_gap_pct={(gaps.Count == 0 ? double.NaN : gaps.Average()):F2} median_gap_pct={median:F2} worst_gap_pct={(gaps.Count == 0 ? double.NaN : gaps.Max()):F2} mean_wall_s={all.Average(r => r.Wall):F2}"));
        return all.All(r => r.Feasible) ? 0 : 4;
    }

    private static double Median(List<double> sorted) =>
        sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Fmt(double? x) => x is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Mean(IEnumerable<double?> xs)
    {
        var v = xs.Where(x => x is not null).Select(x => x!.Value).ToList();
        return v.Count == 0 ? "-" : v.Average().ToString("F2", CultureInfo.InvariantCulture);
    }
}
