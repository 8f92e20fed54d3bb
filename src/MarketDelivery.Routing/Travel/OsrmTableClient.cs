using System.Globalization;
using System.Text;
using System.Text.Json;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Travel;

/// <summary>
/// Travel matrices from an OSRM server's <c>table</c> service
/// (<c>GET /table/v1/{profile}/{lon,lat;...}?annotations=duration,distance</c>), one profile per
/// travel mode. The <see cref="HttpClient"/> is the caller's (tests give it a handler that replays
/// recorded responses). An unreachable pair (<c>null</c> in the response) becomes +infinity, which
/// the solver treats as "cannot travel".
/// </summary>
public sealed class OsrmTableClient : ITravelMatrixSource
{
    public static readonly IReadOnlyDictionary<TravelMode, string> DefaultProfiles = new Dictionary<TravelMode, string>
    {
        [TravelMode.Walk] = "foot",
        [TravelMode.Bicycle] = "bike",
        [TravelMode.Scooter] = "car",
        [TravelMode.Car] = "car",
    };

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly IReadOnlyDictionary<TravelMode, string> _profiles;

    public OsrmTableClient(HttpClient http, Uri baseAddress, IReadOnlyDictionary<TravelMode, string>? profiles = null)
    {
        _http = http;
        _baseAddress = baseAddress;
        _profiles = profiles ?? DefaultProfiles;
    }

    /// <summary>The request URI for a set of locations.</summary>
    public Uri TableUri(IReadOnlyList<Location> locations, TravelMode mode)
    {
        var profile = _profiles.TryGetValue(mode, out var p) ? p : throw new ArgumentException($"No OSRM profile for {mode}.");
        var coords = string.Join(";", locations.Select(l =>
            string.Create(CultureInfo.InvariantCulture, $"{l.Longitude:0.######},{l.Latitude:0.######}")));
        var root = _baseAddress.ToString().TrimEnd('/');
        return new Uri($"{root}/table/v1/{profile}/{coords}?annotations=duration,distance");
    }

    public TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TableUri(locations, mode));
        using var response = _http.Send(request, cancellationToken);
        using var stream = response.Content.ReadAsStream(cancellationToken);
        return Parse(stream, locations.Count, (int)response.StatusCode);
    }

    public async Task<TravelMatrix> GetMatrixAsync(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(TableUri(locations, mode), cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return Parse(stream, locations.Count, (int)response.StatusCode);
        }
    }

    /// <summary>Parses an OSRM table response body; throws <see cref="OsrmException"/> on an error code.</summary>
    public static TravelMatrix Parse(Stream body, int size, int httpStatus = 200)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var code = root.TryGetProperty("code", out var c) ? c.GetString() : null;
        if (code != "Ok")
        {
            var message = root.TryGetProperty("message", out var m) ? m.GetString() : "no message";
            throw new OsrmException($"OSRM table failed (HTTP {httpStatus}, code {code ?? "missing"}): {message}");
        }
        var durations = ReadMatrix(root, "durations", size) ?? throw new OsrmException("OSRM table response has no durations.");
        var distances = ReadMatrix(root, "distances", size) ?? throw new OsrmException("OSRM table response has no distances; request annotations=duration,distance.");
        return new TravelMatrix(size, durations, distances);
    }

    private static double[]? ReadMatrix(JsonElement root, string name, int size)
    {
        if (!root.TryGetProperty(name, out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        if (rows.GetArrayLength() != size)
        {
            throw new OsrmException($"OSRM {name} has {rows.GetArrayLength()} rows, expected {size}.");
        }
        var result = new double[size * size];
        var i = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.GetArrayLength() != size)
            {
                throw new OsrmException($"OSRM {name} row {i} has {row.GetArrayLength()} entries, expected {size}.");
            }
            var j = 0;
            foreach (var cell in row.EnumerateArray())
            {
                result[(i * size) + j] = cell.ValueKind == JsonValueKind.Null ? double.PositiveInfinity : cell.GetDouble();
                j++;
            }
            i++;
        }
        return result;
    }
}

/// <summary>An OSRM request that failed or returned something unusable.</summary>
public sealed class OsrmException : Exception
{
    public OsrmException()
    {
    }

    public OsrmException(string message)
        : base(message)
    {
    }

    public OsrmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
