using System.Globalization;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Benchmarks;

/// <summary>
/// Readers for the classic benchmark text formats. Both use plane coordinates with Euclidean
/// distance (use <see cref="Travel.EuclideanTravelSource"/>), a single amount dimension, one depot,
/// and a homogeneous fleet whose shift is the depot's window.
/// </summary>
public static class BenchmarkReaders
{
    private static double[] Numbers(string line) =>
        line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// Solomon VRPTW: a name line, a VEHICLE section (NUMBER CAPACITY), a CUSTOMER section with rows
    /// <c>no x y demand ready due service</c>; row 0 is the depot. Any number of customers.
    /// </summary>
    public static RoutingProblem ReadSolomon(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var name = lines.FirstOrDefault(l => l.Length > 0) ?? "solomon";
        var vIdx = lines.FindIndex(l => l.StartsWith("VEHICLE", StringComparison.OrdinalIgnoreCase));
        if (vIdx < 0)
        {
            throw new FormatException("No VEHICLE section.");
        }
        var fleetLine = lines.Skip(vIdx + 1).Where(l => l.Length > 0 && char.IsDigit(l[0])).Select(Numbers).First(n => n.Length == 2);
        var fleet = (int)fleetLine[0];
        var capacity = (long)fleetLine[1];
        var cIdx = lines.FindIndex(l => l.StartsWith("CUSTOMER", StringComparison.OrdinalIgnoreCase));
        if (cIdx < 0)
        {
            throw new FormatException("No CUSTOMER section.");
        }
        var rows = lines.Skip(cIdx + 1)
            .Where(l => l.Length > 0 && char.IsDigit(l[0]))
            .Select(Numbers)
            .Where(n => n.Length >= 7)
            .ToList();
        if (rows.Count < 2)
        {
            throw new FormatException("Need a depot and at least one customer.");
        }
        var depot = rows[0];
        var locations = rows.Select(r => new Location(((int)r[0]).ToString(CultureInfo.InvariantCulture), r[1], r[2])).ToList();
        var shift = new TimeWindow(depot[4], depot[5]);
        var vehicles = Enumerable.Range(1, fleet)
            .Select(i => new Vehicle($"v{i}", locations[0].Id, locations[0].Id, shift, [capacity], TravelMode.Car, null, VehicleCosts.DistanceOnly))
            .ToList();
        var jobs = rows.Skip(1)
            .Select(r => new Job(((int)r[0]).ToString(CultureInfo.InvariantCulture),
                new Visit(((int)r[0]).ToString(CultureInfo.InvariantCulture), r[6], new TimeWindow(r[4], r[5])),
                [(long)r[3]]))
            .ToList();
        _ = name;
        return new RoutingProblem(["demand"], locations, vehicles, jobs, []);
    }

    /// <summary>The instance name on a Solomon file's first non-empty line.</summary>
    public static string SolomonName(string text) => text.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0);

    /// <summary>
    /// Li &amp; Lim PDPTW: a first line <c>vehicles capacity speed</c>, then one row per task
    /// <c>id x y demand earliest latest service pickup delivery</c>. Task 0 is the depot. A pick-up
    /// row has pickup = 0 and names its delivery; a delivery row names its pick-up and has a
    /// negative demand. Travel time is distance divided by the speed (1 in the published files).
    /// </summary>
    public static RoutingProblem ReadLiLim(string text)
    {
        var rows = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(Numbers).ToList();
        if (rows.Count < 2 || rows[0].Length < 2)
        {
            throw new FormatException("Expected a header line 'vehicles capacity speed' and task rows.");
        }
        var fleet = (int)rows[0][0];
        var capacity = (long)rows[0][1];
        var tasks = rows.Skip(1).Where(r => r.Length >= 9).ToDictionary(r => (int)r[0]);
        if (!tasks.TryGetValue(0, out var depot))
        {
            throw new FormatException("No depot row (task 0).");
        }
        string Id(int task) => task.ToString(CultureInfo.InvariantCulture);
        var locations = tasks.Values.OrderBy(r => r[0]).Select(r => new Location(Id((int)r[0]), r[1], r[2])).ToList();
        var shift = new TimeWindow(depot[4], depot[5]);
        var vehicles = Enumerable.Range(1, Math.Max(1, fleet))
            .Select(i => new Vehicle($"v{i}", Id(0), Id(0), shift, [capacity], TravelMode.Car, null, VehicleCosts.DistanceOnly))
            .ToList();
        var shipments = new List<Shipment>();
        foreach (var r in tasks.Values.OrderBy(r => r[0]))
        {
            var id = (int)r[0];
            if (id == 0 || (int)r[7] != 0)
            {
                continue; // depot or a delivery row
            }
            var deliveryId = (int)r[8];
            if (!tasks.TryGetValue(deliveryId, out var d))
            {
                throw new FormatException($"Pick-up {id} names delivery {deliveryId}, which does not exist.");
            }
            if ((int)d[7] != id)
            {
                throw new FormatException($"Delivery {deliveryId} does not name pick-up {id}.");
            }
            shipments.Add(new Shipment($"p{id}-d{deliveryId}",
                new Visit(Id(id), r[6], new TimeWindow(r[4], r[5])),
                new Visit(Id(deliveryId), d[6], new TimeWindow(d[4], d[5])),
                [(long)r[3]]));
        }
        return new RoutingProblem(["demand"], locations, vehicles, [], shipments);
    }
}
