using System.Collections.Concurrent;
using System.Globalization;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Simulation;

/// <summary>
/// Runs the dispatcher and the baseline for every fleet size and seed of a range, and finds for each the smallest
/// fleet that keeps every seed at least <see cref="OnTimeTarget"/> % on time ("fleet98"). A dominance violation is a
/// (seed, fleet) where the dispatcher delivered fewer orders on time than the baseline.
/// With <c>--district</c> the fleet is the district's total (<see cref="WorldGenerator.SplitFleet"/>), "the
/// dispatcher" is the district run with shared couriers, our dispatcher per market is run as well, and on-time % is
/// over all the district's orders (so fleet98 asks 98 % of the district's orders, not of each market's).
/// </summary>
public static class FleetSweep
{
    public const double OnTimeTarget = 98.0;

    /// <summary>One simulated day at one fleet size: on-time counts over the same orders for both runs.</summary>
    /// <param name="PerMarketOnTime">District sweeps: our dispatcher market by market, same fleet.</param>
    public sealed record Point(int Seed, int Fleet, int Orders, int DispatcherOnTime, int BaselineOnTime,
        double DispatcherKmPerOrder, double BaselineKmPerOrder, int? PerMarketOnTime = null, double? PerMarketKmPerOrder = null)
    {
        public double DispatcherPct => Orders == 0 ? 100 : 100.0 * DispatcherOnTime / Orders;
        public double BaselinePct => Orders == 0 ? 100 : 100.0 * BaselineOnTime / Orders;
        public double PerMarketPct => Orders == 0 || PerMarketOnTime is null ? 100 : 100.0 * PerMarketOnTime.Value / Orders;
        public bool DominanceViolated => DispatcherOnTime < BaselineOnTime;
    }

    /// <param name="HasPerMarket">A district sweep: <paramref name="Fleet98PerMarket"/> is our dispatcher per market.</param>
    public sealed record Outcome(int Seeds, int? Fleet98Dispatcher, int? Fleet98Baseline, double? FleetSavingPct, int DominanceViolations,
        bool HasPerMarket = false, int? Fleet98PerMarket = null);

    /// <summary>"a..b" (inclusive), "a,b,c" or a single number. Throws <see cref="FormatException"/> otherwise.</summary>
    public static IReadOnlyList<int> ParseRange(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dots = part.IndexOf("..", StringComparison.Ordinal);
            if (dots < 0)
            {
                values.Add(int.Parse(part, NumberStyles.Integer, CultureInfo.InvariantCulture));
                continue;
            }
            var from = int.Parse(part[..dots], NumberStyles.Integer, CultureInfo.InvariantCulture);
            var to = int.Parse(part[(dots + 2)..], NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (to < from)
            {
                throw new FormatException($"The range '{part}' ends before it starts.");
            }
            for (var v = from; v <= to; v++)
            {
                values.Add(v);
            }
        }
        if (values.Count == 0)
        {
            throw new FormatException($"'{text}' names no value.");
        }
        return values.Distinct().Order().ToList();
    }

    /// <summary>The smallest fleet at which every seed swept reaches the target; null if none does.</summary>
    public static int? SmallestFleet(IReadOnlyList<Point> points, Func<Point, double> onTimePct, double target = OnTimeTarget)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(onTimePct);
        var seeds = points.Select(p => p.Seed).Distinct().Count();
        return points.GroupBy(p => p.Fleet)
            .Where(g => g.Select(p => p.Seed).Distinct().Count() == seeds && g.All(p => onTimePct(p) >= target))
            .Select(g => (int?)g.Key)
            .Min();
    }

    public static Outcome Summarise(IReadOnlyList<Point> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var dispatcher = SmallestFleet(points, p => p.DispatcherPct);
        var baseline = SmallestFleet(points, p => p.BaselinePct);
        double? saving = dispatcher is { } d && baseline is { } b && b > 0 ? 100.0 * (b - d) / b : null;
        var hasPerMarket = points.Count > 0 && points.All(p => p.PerMarketOnTime is not null);
        return new Outcome(points.Select(p => p.Seed).Distinct().Count(), dispatcher, baseline, saving, points.Count(p => p.DominanceViolated),
            hasPerMarket, hasPerMarket ? SmallestFleet(points, p => p.PerMarketPct) : null);
    }

    public static string PointLine(Point p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return string.Create(CultureInfo.InvariantCulture,
            $"SWEEP seed={p.Seed} fleet={p.Fleet} orders={p.Orders} on_time_pct={p.DispatcherPct:0.00} baseline_on_time_pct={p.BaselinePct:0.00} km_per_order={p.DispatcherKmPerOrder:0.000} baseline_km_per_order={p.BaselineKmPerOrder:0.000}{(p.PerMarketOnTime is null ? string.Empty : $" per_market_on_time_pct={p.PerMarketPct:0.00} per_market_km_per_order={p.PerMarketKmPerOrder:0.000}")}{(p.DominanceViolated ? " DOMINANCE-VIOLATION" : string.Empty)}");
    }

    public static string FleetLine(Outcome o)
    {
        ArgumentNullException.ThrowIfNull(o);
        static string N(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "none";
        return string.Create(CultureInfo.InvariantCulture,
            $"FLEET seeds={o.Seeds} fleet98_dispatcher={N(o.Fleet98Dispatcher)} fleet98_baseline={N(o.Fleet98Baseline)} fleet_saving_pct={(o.FleetSavingPct is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "NaN")} dominance_violations={o.DominanceViolations}{(o.HasPerMarket ? " fleet98_per_market=" + N(o.Fleet98PerMarket) : string.Empty)}");
    }

    /// <summary>The sweep's own options: seeds, fleet sizes, and how many days run at once.</summary>
    public sealed record SweepArgs(IReadOnlyList<int> Seeds, IReadOnlyList<int> Fleets, int Parallel, SimulationOptions Options);

    /// <summary>Splits the sweep's own options (<c>--seeds</c>, <c>--couriers</c>, <c>--parallel</c>) from the day's options.</summary>
    public static SweepArgs ParseArgs(IReadOnlyList<string> args, out List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        errors = [];
        IReadOnlyList<int> seeds = [1];
        IReadOnlyList<int> fleets = [];
        var parallel = 1;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--parallel")
            {
                if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out parallel) || parallel < 1)
                {
                    errors.Add("--parallel needs a whole number of days to run at once (1 or more).");
                    break;
                }
                i++;
                continue;
            }
            if (args[i] is "--seeds" or "--couriers")
            {
                if (i + 1 >= args.Count)
                {
                    errors.Add($"{args[i]} needs a value.");
                    break;
                }
                try
                {
                    var values = ParseRange(args[i + 1]);
                    if (values.Any(v => v < (args[i] == "--couriers" ? 1 : 0)))
                    {
                        errors.Add($"{args[i]} {args[i + 1]}: values must be positive.");
                    }
                    else if (args[i] == "--seeds")
                    {
                        seeds = values;
                    }
                    else
                    {
                        fleets = values;
                    }
                }
                catch (Exception ex) when (ex is FormatException or OverflowException)
                {
                    errors.Add($"{args[i]} {args[i + 1]}: {ex.Message}");
                }
                i++;
                continue;
            }
            rest.Add(args[i]);
        }
        if (fleets.Count == 0 && errors.Count == 0)
        {
            errors.Add("--couriers a..b is required.");
        }
        var options = SimulationOptions.Parse(rest, out var more);
        errors.AddRange(more);
        return new SweepArgs(seeds, fleets, parallel, options);
    }

    public static int RunCli(IReadOnlyList<string> args)
    {
        var (seeds, fleets, parallel, options) = ParseArgs(args, out var errors);
        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                Console.Error.WriteLine(e);
            }
            return 2;
        }
        var catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
        IReadOnlyList<Market> markets;
        try
        {
            markets = DaySimulation.SelectMarkets(catalog, options);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        // Days are independent and the search is bounded by work, not by the clock (given limits the machine meets, see
        // --slow-cpu), so running several at once gives the same points; they are printed as they finish. Smallest
        // fleets first, every seed of one before the next, taken one at a time: a sweep stopped early has whole fleets.
        var days = fleets.SelectMany(fleet => seeds.Select(seed => options.District is null
            ? options with { Seed = seed, CouriersPerMarket = fleet }
            : options with { Seed = seed, DistrictFleet = fleet })).ToList();
        var points = new List<Point>();
        var oneAtATime = Partitioner.Create(days, EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(oneAtATime, new ParallelOptions { MaxDegreeOfParallelism = parallel }, day =>
        {
            var point = Run(markets, day);
            lock (points)
            {
                points.Add(point);
                Console.WriteLine(PointLine(point));
            }
        });
        Console.WriteLine(FleetLine(Summarise([.. points.OrderBy(p => p.Seed).ThenBy(p => p.Fleet)])));
        return 0;
    }

    /// <summary>One day at one fleet size, both runs (a district: all three) on the same world.</summary>
    public static Point Run(IReadOnlyList<Market> markets, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var world = WorldGenerator.Generate(markets, options);
        var baseline = Kpis.Of(DaySimulation.Run(world, DaySimulation.Baseline, options));
        var perMarket = options.District is null || !options.RunPerMarket ? null : Kpis.Of(DaySimulation.Run(world, DaySimulation.Dispatcher, options with { District = null }));
        var dispatcher = Kpis.Of(DaySimulation.Run(world, DaySimulation.Dispatcher, options));
        return new Point(options.Seed, options.District is null ? options.CouriersPerMarket ?? 0 : world.Couriers.Count, dispatcher.Orders, dispatcher.OnTime, baseline.OnTime,
            dispatcher.KmPerOrder, baseline.KmPerOrder, perMarket?.OnTime, perMarket?.KmPerOrder);
    }
}
