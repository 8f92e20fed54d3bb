using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace MarketDelivery.Domain.Markets;

/// <summary>
/// Loads and validates the seed data: every <c>markets/*.json</c> under the data directory, each with its
/// service area in a GeoJSON file next to it. Any problem throws <see cref="SeedDataException"/>.
/// </summary>
public static partial class SeedDataLoader
{
    /// <summary>Sub-folder of the data directory holding one JSON file per market.</summary>
    public const string MarketsFolder = "markets";

    /// <summary>Optional file of the data directory grouping markets into districts that share couriers.</summary>
    public const string DistrictsFile = "districts.json";

    /// <summary>Environment variable that overrides the data directory (used when no path is passed).</summary>
    public const string DataDirectoryVariable = "MARKETDELIVERY_DATA";

    private static readonly JsonSerializerOptions MarketJsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
    };

    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    private static readonly JsonSerializerOptions GeoJsonOptions = CreateGeoJsonOptions();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[A-Za-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SlotTemplateIdPattern();

    /// <summary>Loads every market under <paramref name="dataDirectory"/>/markets, sorted by market id.</summary>
    /// <exception cref="SeedDataException">Any file is missing, malformed or inconsistent.</exception>
    public static MarketCatalog Load(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var root = Path.GetFullPath(dataDirectory);
        var marketsDir = Path.Combine(root, MarketsFolder);
        if (!Directory.Exists(marketsDir))
        {
            throw new SeedDataException(marketsDir, "directory not found");
        }

        var files = Directory.EnumerateFiles(marketsDir, "*.json", SearchOption.TopDirectoryOnly)
            .Where(f => string.Equals(Path.GetExtension(f), ".json", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new SeedDataException(Relative(root, marketsDir), "no market files (*.json) found");
        }

        var markets = new List<Market>(files.Count);
        var marketFiles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var stallFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var market = new MarketFileReader(root, file).Read();
            if (marketFiles.TryGetValue(market.Id, out var other))
            {
                throw new SeedDataException(Relative(root, file), $"duplicate market id '{market.Id}' (also in {other})");
            }
            marketFiles[market.Id] = Relative(root, file);
            foreach (var stall in market.Stalls)
            {
                if (stallFiles.TryGetValue(stall.Id, out var otherFile))
                {
                    throw new SeedDataException(Relative(root, file), $"duplicate stall id '{stall.Id}' (also in {otherFile})");
                }
                stallFiles[stall.Id] = Relative(root, file);
            }
            markets.Add(market);
        }

        markets.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        var districts = ReadDistricts(root, markets);
        return new MarketCatalog(markets, districts);
    }

    /// <summary>Reads <see cref="DistrictsFile"/> if present; every failure names the file and the district.</summary>
    private static List<District> ReadDistricts(string root, List<Market> markets)
    {
        var path = Path.Combine(root, DistrictsFile);
        if (!File.Exists(path))
        {
            return [];
        }
        DistrictsFileDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<DistrictsFileDto>(File.ReadAllText(path), MarketJsonOptions);
        }
        catch (JsonException ex)
        {
            throw new SeedDataException(DistrictsFile, DescribeJsonError(ex), ex);
        }
        catch (IOException ex)
        {
            throw new SeedDataException(DistrictsFile, $"cannot read file: {ex.Message}", ex);
        }
        if (dto?.Districts is null)
        {
            throw new SeedDataException(DistrictsFile, "districts is missing");
        }

        var known = markets.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        var districts = new List<District>();
        for (var i = 0; i < dto.Districts.Count; i++)
        {
            var d = dto.Districts[i] ?? throw new SeedDataException(DistrictsFile, $"districts[{i}] is missing");
            var id = d.Id?.Trim();
            if (string.IsNullOrEmpty(id) || !SlugPattern().IsMatch(id))
            {
                throw new SeedDataException(DistrictsFile, $"districts[{i}].id must be a lowercase ascii slug (a-z, 0-9, '-')");
            }
            var at = $"district '{id}'";
            if (districts.Exists(x => x.Id == id))
            {
                throw new SeedDataException(DistrictsFile, $"duplicate district id '{id}'");
            }
            if (known.TryGetValue(id, out var sameId) && d.Markets?.Contains(id) != true)
            {
                throw new SeedDataException(DistrictsFile, $"{at} takes the id of market '{sameId.Id}', which it does not contain");
            }
            var name = string.IsNullOrWhiteSpace(d.Name) ? throw new SeedDataException(DistrictsFile, $"{at}: name is missing") : d.Name.Trim();
            if (d.Markets is null || d.Markets.Count == 0)
            {
                throw new SeedDataException(DistrictsFile, $"{at} has no markets");
            }
            var ids = new List<string>();
            foreach (var marketId in d.Markets)
            {
                if (marketId is null || !known.ContainsKey(marketId))
                {
                    throw new SeedDataException(DistrictsFile, $"{at} names unknown market '{marketId}'");
                }
                if (!taken.TryAdd(marketId, id))
                {
                    throw new SeedDataException(DistrictsFile, $"market '{marketId}' is in two districts ('{taken[marketId]}' and '{id}')");
                }
                ids.Add(marketId);
            }
            districts.Add(new District(id, name, ids.AsReadOnly()));
        }
        return districts;
    }

    /// <summary>
    /// Finds the data directory (the folder containing <c>markets/</c>): <paramref name="overridePath"/> if given,
    /// else the <see cref="DataDirectoryVariable"/> environment variable if set, else the first <c>data/markets</c>
    /// found walking up from <see cref="AppContext.BaseDirectory"/> and then from the current directory.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">Nothing suitable was found.</exception>
    public static string FindDataDirectory(string? overridePath = null)
    {
        var explicitPath = !string.IsNullOrWhiteSpace(overridePath)
            ? overridePath
            : Environment.GetEnvironmentVariable(DataDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            var full = Path.GetFullPath(explicitPath);
            if (Directory.Exists(Path.Combine(full, MarketsFolder)))
            {
                return full;
            }
            throw new DirectoryNotFoundException($"Seed data directory '{full}' has no '{MarketsFolder}' folder.");
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data");
                if (Directory.Exists(Path.Combine(candidate, MarketsFolder)))
                {
                    return candidate;
                }
            }
        }
        throw new DirectoryNotFoundException(
            $"No 'data/{MarketsFolder}' folder found above '{AppContext.BaseDirectory}' or '{Directory.GetCurrentDirectory()}'; " +
            $"pass a path or set {DataDirectoryVariable}.");
    }

    private static JsonSerializerOptions CreateGeoJsonOptions()
    {
        var options = new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip };
        options.Converters.Add(new GeoJsonConverterFactory(Wgs84));
        return options;
    }

    private static string Relative(string root, string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Reads and validates one market file; every failure names that file.</summary>
    private sealed class MarketFileReader(string root, string path)
    {
        private readonly string _file = Relative(root, path);

        public Market Read()
        {
            var dto = Parse();
            var id = RequiredText(dto.Id, "id");
            if (!SlugPattern().IsMatch(id))
            {
                throw Fail($"id '{id}' must be a lowercase ascii slug (a-z, 0-9, '-')");
            }
            var expectedId = Path.GetFileNameWithoutExtension(path);
            if (!string.Equals(id, expectedId, StringComparison.Ordinal))
            {
                throw Fail($"id '{id}' does not match the file name (expected '{expectedId}')");
            }

            var name = RequiredText(dto.Name, "name");
            var district = RequiredText(dto.District, "district");
            var address = RequiredText(dto.Address, "address");
            var location = Point(dto.Location, "location");
            var handOver = new HandOverPoint(
                Point(dto.HandOverPoint, "handOverPoint"),
                RequiredText(dto.HandOverPoint?.Description, "handOverPoint.description"));

            var zoneId = RequiredText(dto.TimeZone, "timeZone");
            if (!MarketTimeZones.TryFind(zoneId, out var zone))
            {
                throw Fail($"timeZone '{zoneId}' is not a known time zone");
            }

            var hours = Hours(dto.OpeningHours);
            var slots = Slots(dto.DeliverySlots, hours);
            var stalls = Stalls(dto.Stalls, id);
            var area = ServiceArea(RequiredText(dto.ServiceArea, "serviceArea"));

            var market = new Market(id, name, district, address, location, handOver, area, zone, hours, slots, stalls);
            if (!market.Serves(location))
            {
                throw Fail($"location {location} lies outside the service area");
            }
            if (!market.Serves(handOver.Location))
            {
                throw Fail($"handOverPoint {handOver.Location} lies outside the service area");
            }
            return market;
        }

        private MarketDto Parse()
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                throw Fail($"cannot read file: {ex.Message}", ex);
            }

            try
            {
                return JsonSerializer.Deserialize<MarketDto>(text, MarketJsonOptions)
                    ?? throw Fail("file contains JSON null instead of a market object");
            }
            catch (JsonException ex)
            {
                throw Fail(DescribeJsonError(ex), ex);
            }
        }

        private OpeningHours Hours(OpeningHoursDto? dto)
        {
            if (dto is null)
            {
                throw Missing("openingHours");
            }
            var opens = Time(dto.Opens, "openingHours.opens");
            var closes = Time(dto.Closes, "openingHours.closes");
            if (closes <= opens)
            {
                throw Fail($"openingHours.closes ({closes:HH\\:mm}) must be after opens ({opens:HH\\:mm})");
            }
            return new OpeningHours(opens, closes);
        }

        private List<DeliverySlotTemplate> Slots(List<DeliverySlotDto?>? dtos, OpeningHours hours)
        {
            if (dtos is null || dtos.Count == 0)
            {
                throw dtos is null ? Missing("deliverySlots") : Fail("deliverySlots is empty");
            }
            var slots = new List<DeliverySlotTemplate>(dtos.Count);
            for (var i = 0; i < dtos.Count; i++)
            {
                var at = $"deliverySlots[{i}]";
                var dto = dtos[i] ?? throw Missing(at);
                var id = RequiredText(dto.Id, at + ".id");
                at = $"deliverySlots[{i}] ('{id}')";
                if (!SlotTemplateIdPattern().IsMatch(id))
                {
                    throw Fail($"{at}.id must contain only ascii letters, digits and '_'");
                }
                if (slots.Exists(s => s.Id == id))
                {
                    throw Fail($"duplicate delivery slot id '{id}'");
                }
                var start = Time(dto.Start, at + ".start");
                var end = Time(dto.End, at + ".end");
                var cutoff = Time(dto.Cutoff, at + ".cutoff");
                if (end <= start)
                {
                    throw Fail(Inv($"{at}: end {end:HH\\:mm} must be after start {start:HH\\:mm}"));
                }
                if (cutoff > start)
                {
                    throw Fail(Inv($"{at}: cutoff {cutoff:HH\\:mm} is after start {start:HH\\:mm}"));
                }
                if (start < hours.Opens || end > hours.Closes)
                {
                    throw Fail(Inv($"{at}: {start:HH\\:mm}-{end:HH\\:mm} is outside opening hours {hours.Opens:HH\\:mm}-{hours.Closes:HH\\:mm}"));
                }
                slots.Add(new DeliverySlotTemplate(id, start, end, cutoff));
            }
            slots.Sort((a, b) => a.Start.CompareTo(b.Start));
            return slots;
        }

        private List<Stall> Stalls(List<StallDto?>? dtos, string marketId)
        {
            if (dtos is null || dtos.Count == 0)
            {
                throw dtos is null ? Missing("stalls") : Fail("market has no stalls");
            }
            var stalls = new List<Stall>(dtos.Count);
            for (var i = 0; i < dtos.Count; i++)
            {
                var at = $"stalls[{i}]";
                var dto = dtos[i] ?? throw Missing(at);
                var id = RequiredText(dto.Id, at + ".id");
                at = $"stalls[{i}] ('{id}')";
                if (!SlugPattern().IsMatch(id) || !id.StartsWith(marketId + "-", StringComparison.Ordinal))
                {
                    throw Fail($"{at}.id must be a lowercase ascii slug starting with '{marketId}-'");
                }
                if (stalls.Exists(s => s.Id == id))
                {
                    throw Fail($"duplicate stall id '{id}'");
                }
                var name = RequiredText(dto.Name, at + ".name");
                var category = RequiredText(dto.Category, at + ".category");
                var products = Products(dto.Products, at);
                stalls.Add(new Stall(id, marketId, name, category, products.AsReadOnly()));
            }
            return stalls;
        }

        private List<Product> Products(List<ProductDto?>? dtos, string stallAt)
        {
            if (dtos is null || dtos.Count == 0)
            {
                throw dtos is null ? Missing(stallAt + ".products") : Fail($"{stallAt} has no products");
            }
            var products = new List<Product>(dtos.Count);
            for (var i = 0; i < dtos.Count; i++)
            {
                var at = $"{stallAt}.products[{i}]";
                var dto = dtos[i] ?? throw Missing(at);
                var sku = RequiredText(dto.Sku, at + ".sku");
                at = $"{stallAt}.products[{i}] ('{sku}')";
                if (!SlugPattern().IsMatch(sku))
                {
                    throw Fail($"{at}.sku must be a lowercase ascii slug (a-z, 0-9, '-')");
                }
                if (products.Exists(p => p.Sku == sku))
                {
                    throw Fail($"{stallAt}: duplicate sku '{sku}'");
                }
                var name = RequiredText(dto.Name, at + ".name");
                var unit = RequiredText(dto.Unit, at + ".unit");
                var price = dto.PriceWon ?? throw Missing(at + ".priceWon");
                if (price <= 0)
                {
                    throw Fail(Inv($"{at}.priceWon must be > 0 (was {price})"));
                }
                var weight = dto.WeightGrams ?? throw Missing(at + ".weightGrams");
                if (weight <= 0)
                {
                    throw Fail(Inv($"{at}.weightGrams must be > 0 (was {weight})"));
                }
                var available = dto.Available ?? throw Missing(at + ".available");
                if (dto.Stock is < 0)
                {
                    throw Fail(Inv($"{at}.stock must not be negative (was {dto.Stock})"));
                }
                products.Add(new Product(sku, name, unit, price, weight, available, dto.Stock));
            }
            return products;
        }

        private Polygon ServiceArea(string areaFile)
        {
            if (!string.Equals(Path.GetFileName(areaFile), areaFile, StringComparison.Ordinal) || areaFile is "." or "..")
            {
                throw Fail($"serviceArea '{areaFile}' must be a file name in the same folder");
            }
            var areaPath = Path.Combine(Path.GetDirectoryName(path)!, areaFile);
            var areaName = Relative(root, areaPath);
            if (!File.Exists(areaPath))
            {
                throw Fail($"service area file '{areaName}' not found");
            }

            FeatureCollection? collection;
            try
            {
                collection = JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllText(areaPath), GeoJsonOptions);
            }
            catch (JsonException ex)
            {
                throw AreaFail(areaName, DescribeJsonError(ex), ex);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
            {
                // NTS rejects e.g. rings that are not closed while building the geometry.
                throw AreaFail(areaName, $"not a valid GeoJSON FeatureCollection: {ex.Message}", ex);
            }

            if (collection is null || collection.Count != 1)
            {
                throw AreaFail(areaName, $"must be a FeatureCollection with exactly one Feature (found {collection?.Count ?? 0})");
            }
            if (collection[0].Geometry is not Polygon polygon)
            {
                throw AreaFail(areaName, $"the Feature's geometry must be a Polygon (found {collection[0].Geometry?.GeometryType ?? "none"})");
            }
            if (polygon.Shell.NumPoints < 4)
            {
                throw AreaFail(areaName, "the polygon's outer ring needs at least 3 distinct vertices");
            }
            var envelope = polygon.EnvelopeInternal;
            if (envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -90 || envelope.MaxY > 90)
            {
                throw AreaFail(areaName, "coordinates must be [longitude, latitude] in WGS84 degrees");
            }
            var validity = new IsValidOp(polygon);
            if (!validity.IsValid)
            {
                var error = validity.ValidationError;
                throw AreaFail(areaName, Inv($"not a valid polygon: {error.Message} at [{error.Coordinate.X}, {error.Coordinate.Y}]"));
            }
            if (!polygon.Shell.IsCCW)
            {
                throw AreaFail(areaName, "the outer ring must be counter-clockwise (RFC 7946)");
            }
            return polygon;
        }

        private GeoPoint Point(GeoPointDto? dto, string at)
        {
            if (dto is null)
            {
                throw Missing(at);
            }
            var point = new GeoPoint(dto.Lat ?? throw Missing(at + ".lat"), dto.Lon ?? throw Missing(at + ".lon"));
            if (!point.IsValid)
            {
                throw Fail($"{at} {point} is not a valid WGS84 latitude/longitude");
            }
            return point;
        }

        private TimeOnly Time(string? value, string at)
        {
            var text = RequiredText(value, at);
            if (!TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                throw Fail($"{at} '{text}' is not a time of the form HH:mm");
            }
            return time;
        }

        private string RequiredText(string? value, string at)
        {
            if (value is null)
            {
                throw Missing(at);
            }
            if (string.IsNullOrWhiteSpace(value))
            {
                throw Fail($"{at} is empty");
            }
            return value.Trim();
        }

        private SeedDataException Missing(string at) => Fail($"{at} is missing");

        private SeedDataException Fail(string problem, Exception? inner = null) => new(_file, problem, inner);

        private SeedDataException AreaFail(string areaName, string problem, Exception? inner = null) =>
            new(areaName, $"{problem} (service area of {_file})", inner);
    }

    private static string DescribeJsonError(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }
        message = FriendlyJsonProblem(message);
        var where = ex.LineNumber is { } line
            ? Inv($"line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}")
            : "unknown position";
        var jsonPath = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : $" ({ex.Path})";
        return $"invalid JSON at {where}{jsonPath}: {message}";
    }

    [GeneratedRegex("^The JSON value could not be converted to (?<type>[^.]+(\\.[^.\\s]+)*)\\.", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionProblem();

    [GeneratedRegex("^The JSON property '(?<name>[^']*)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnmappedProblem();

    private static string FriendlyJsonProblem(string message)
    {
        var unmapped = UnmappedProblem().Match(message);
        if (unmapped.Success)
        {
            return $"unknown property '{unmapped.Groups["name"].Value}' (property names are camelCase and case-sensitive)";
        }
        var conversion = ConversionProblem().Match(message);
        if (conversion.Success)
        {
            var type = conversion.Groups["type"].Value;
            var expected =
                type.Contains("Int64", StringComparison.Ordinal) || type.Contains("Int32", StringComparison.Ordinal) ? "a whole number" :
                type.Contains("Double", StringComparison.Ordinal) ? "a number" :
                type.Contains("Boolean", StringComparison.Ordinal) ? "true or false" :
                type.Contains("String", StringComparison.Ordinal) ? "a string" :
                type.Contains("List", StringComparison.Ordinal) ? "an array" :
                "an object";
            return $"wrong kind of value, expected {expected}";
        }
        return message;
    }

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);
}
