using System.Globalization;
using System.Text;
using MarketDelivery.Routing;
using MarketDelivery.Routing.Benchmarks;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Bench;

/// <summary>
/// <c>make-pdptw --data &lt;solomon dir&gt; --out &lt;dir&gt;</c>: writes Li &amp; Lim-format PDPTW
/// instances built from Solomon instances the way Li and Lim built theirs: solve the VRPTW, then
/// pair consecutive customers of each route as pick-up then delivery (an odd last customer is
/// left out). Every generated instance therefore has a feasible solution. The files exercise the
/// Li &amp; Lim reader and the shipment model at 100-customer scale while the published files are
/// not in the repository; they are not the published instances and have no best-known values.
/// </summary>
internal static class PdptwGenerator
{
    public static int Run(CliOptions o)
    {
        var dir = o.Get("data") ?? throw new ArgumentException("--data <solomon dir> is required.");
        var outDir = o.Get("out") ?? throw new ArgumentException("--out <dir> is required.");
        Directory.CreateDirectory(outDir);
        var travel = new EuclideanTravelSource();
        var files = Directory.GetFiles(dir, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (o.Get("instances") is { } pick)
        {
            var wanted = pick.Split(',').ToHashSet(StringComparer.OrdinalIgnoreCase);
            files = files.Where(f => wanted.Contains(Path.GetFileNameWithoutExtension(f))).ToList();
        }
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var problem = BenchmarkReaders.ReadSolomon(File.ReadAllText(file));
            var plan = new RoutingSolver(travel).Solve(problem, new SolveOptions { TimeLimit = TimeSpan.FromSeconds(o.GetDouble("time-limit", 0.5)) });
            var jobs = problem.Jobs.ToDictionary(j => j.Id);
            var loc = problem.Locations.ToDictionary(l => l.Id);
            var pairs = new List<(Job P, Job D)>();
            foreach (var route in plan.Routes)
            {
                var ids = route.Stops.Where(s => s.JobId is not null).Select(s => jobs[s.JobId!]).ToList();
                for (var i = 0; i + 1 < ids.Count; i += 2)
                {
                    pairs.Add((ids[i], ids[i + 1]));
                }
            }
            var sb = new StringBuilder();
            var depot = problem.Locations[0];
            var shift = problem.Vehicles[0].Shift;
            string F(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{problem.Vehicles.Count}\t{problem.Vehicles[0].Capacity[0]}\t1\n");
            sb.Append(CultureInfo.InvariantCulture, $"0\t{F(depot.Longitude)}\t{F(depot.Latitude)}\t0\t{F(shift.Start)}\t{F(shift.End)}\t0\t0\t0\n");
            var task = 1;
            foreach (var (p, d) in pairs)
            {
                var pi = task++;
                var di = task++;
                var pl = loc[p.Delivery.LocationId];
                var dl = loc[d.Delivery.LocationId];
                sb.Append(CultureInfo.InvariantCulture, $"{pi}\t{F(pl.Longitude)}\t{F(pl.Latitude)}\t{p.Amount[0]}\t{F(p.Delivery.Window!.Start)}\t{F(p.Delivery.Window.End)}\t{F(p.Delivery.ServiceSeconds)}\t0\t{di}\n");
                sb.Append(CultureInfo.InvariantCulture, $"{di}\t{F(dl.Longitude)}\t{F(dl.Latitude)}\t{-p.Amount[0]}\t{F(d.Delivery.Window!.Start)}\t{F(d.Delivery.Window.End)}\t{F(d.Delivery.ServiceSeconds)}\t{pi}\t0\n");
            }
            var target = Path.Combine(outDir, "pd" + name.ToLowerInvariant() + ".txt");
            File.WriteAllText(target, sb.ToString());
            Console.WriteLine($"{target}: {pairs.Count} shipments");
        }
        return 0;
    }
}
