using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Travel;

/// <summary>
/// Default source without a road network: haversine distance times a circuity factor (streets are
/// not straight), divided by a per-mode speed. Distances in metres, durations in seconds.
/// </summary>
public sealed class GreatCircleTravelSource : ITravelMatrixSource
{
    public const double EarthRadiusMetres = 6_371_008.8;

    /// <summary>Typical speeds in a Korean market district, km/h.</summary>
    public static readonly IReadOnlyDictionary<TravelMode, double> DefaultSpeedsKmh = new Dictionary<TravelMode, double>
    {
        [TravelMode.Walk] = 4.5,
        [TravelMode.Bicycle] = 13,
        [TravelMode.Scooter] = 22,
        [TravelMode.Car] = 18,
    };

    private readonly IReadOnlyDictionary<TravelMode, double> _speedsKmh;

    public GreatCircleTravelSource(double circuityFactor = 1.3, IReadOnlyDictionary<TravelMode, double>? speedsKmh = null)
    {
        if (circuityFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(circuityFactor), "A circuity factor is at least 1.");
        }
        CircuityFactor = circuityFactor;
        _speedsKmh = speedsKmh ?? DefaultSpeedsKmh;
    }

    public double CircuityFactor { get; }

    public double SpeedKmh(TravelMode mode) =>
        _speedsKmh.TryGetValue(mode, out var s) && s > 0 ? s : throw new ArgumentException($"No speed for {mode}.");

    public static double HaversineMetres(double lon1, double lat1, double lon2, double lat2)
    {
        const double Rad = Math.PI / 180;
        var dLat = (lat2 - lat1) * Rad;
        var dLon = (lon2 - lon1) * Rad;
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(lat1 * Rad) * Math.Cos(lat2 * Rad) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    public TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken)
    {
        var n = locations.Count;
        var metresPerSecond = SpeedKmh(mode) / 3.6;
        var dur = new double[n * n];
        var dist = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (i == j)
                {
                    continue;
                }
                var d = HaversineMetres(locations[i].Longitude, locations[i].Latitude, locations[j].Longitude, locations[j].Latitude) * CircuityFactor;
                dist[(i * n) + j] = d;
                dur[(i * n) + j] = d / metresPerSecond;
            }
        }
        return new TravelMatrix(n, dur, dist);
    }
}
