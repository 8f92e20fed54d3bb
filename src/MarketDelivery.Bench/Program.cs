using System.Diagnostics;
using System.Globalization;
using MarketDelivery.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage:
          solomon --data <dir> [--time-limit s] [--instances C101,R201] [--seed n] [--threads n] [--parallel n] [--strategy hybrid|ortools|rr]
                  [--objective distance|vehicles] [--vehicle-cost c]   (vehicles: fewest vehicles first, then distance, gaps to bks.csv)
                  --threads: parallel searches inside one solve (default 1); --parallel: instances solved at once (default 1)
          lilim   --data <dir> [--time-limit s] [--instances LC101,...] [--seed n] [--strategy ...]
          make-pdptw --data <solomon dir> --out <dir> [--time-limit s]   (Li & Lim-format instances built from Solomon)
          solve   <problem.json> [--time-limit s] [--seed n] [--travel greatcircle|euclidean] [--geojson out.geojson] [--out plan.json]
        """);
    return 2;
}
try
{
    var options = CliOptions.Parse(args.Skip(1).ToArray());
    return args[0] switch
    {
        "solomon" => Benchmarks.RunSolomon(options),
        "lilim" => Benchmarks.RunLiLim(options),
        "solve" => SolveCommand.Run(options),
        "make-pdptw" => PdptwGenerator.Run(options),
        _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
    };
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException or MarketDelivery.Routing.RoutingProblemException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine("error: " + e.Message);
    Debug.WriteLine(e);
    return 1;
}
