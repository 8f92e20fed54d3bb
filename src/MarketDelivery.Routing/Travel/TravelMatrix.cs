using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Travel;

/// <summary>Square travel-time (seconds) and distance (metres, or the source's unit) matrices, row-major.</summary>
public sealed class TravelMatrix
{
    private readonly double[] _durations;
    private readonly double[] _distances;

    public TravelMatrix(int size, double[] durations, double[] distances)
    {
        if (durations.Length != size * size || distances.Length != size * size)
        {
            throw new ArgumentException($"A {size}x{size} matrix needs {size * size} entries.");
        }
        Size = size;
        _durations = durations;
        _distances = distances;
    }

    public int Size { get; }
    public double Duration(int from, int to) => _durations[(from * Size) + to];
    public double Distance(int from, int to) => _distances[(from * Size) + to];
    internal double[] RawDurations => _durations;
    internal double[] RawDistances => _distances;
}

/// <summary>
/// Where travel times and distances come from. Implementations must be thread-safe and return a
/// matrix whose row/column i is <c>locations[i]</c>.
/// </summary>
public interface ITravelMatrixSource
{
    TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken);
}
