using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Travel;

/// <summary>
/// Plane geometry for benchmarks: distance is the Euclidean distance between (x, y) =
/// (longitude, latitude) in double precision, and travel time equals distance (unit speed), as the
/// Solomon and Li &amp; Lim literature computes them. The travel mode is ignored.
/// </summary>
public sealed class EuclideanTravelSource : ITravelMatrixSource
{
    public TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken)
    {
        var n = locations.Count;
        var dist = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var dx = locations[i].Longitude - locations[j].Longitude;
                var dy = locations[i].Latitude - locations[j].Latitude;
                dist[(i * n) + j] = Math.Sqrt((dx * dx) + (dy * dy));
            }
        }
        return new TravelMatrix(n, (double[])dist.Clone(), dist);
    }
}

/// <summary>A source that returns matrices fetched beforehand (e.g. from OSRM, asynchronously).</summary>
public sealed class FixedTravelMatrixSource(IReadOnlyDictionary<TravelMode, TravelMatrix> matrices) : ITravelMatrixSource
{
    public TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken)
    {
        if (!matrices.TryGetValue(mode, out var m))
        {
            throw new InvalidOperationException($"No matrix was fetched for travel mode {mode}.");
        }
        if (m.Size != locations.Count)
        {
            throw new InvalidOperationException($"The {mode} matrix has {m.Size} locations, the problem {locations.Count}.");
        }
        return m;
    }
}
