using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MarketDelivery.Load;

/// <summary>A product that can be ordered: its sku and the most one line may ask for.</summary>
public sealed record OrderableProduct(string Sku, int MaxQuantity);

public sealed record LoadStall(string Id, IReadOnlyList<OrderableProduct> Products);

/// <summary>A market as the benchmark orders from it; <see cref="SlotId"/> is its earliest bookable slot.</summary>
public sealed record LoadMarket(string Id, double Lat, double Lon, string SlotId, IReadOnlyList<LoadStall> Stalls);

/// <summary>
/// What the server offers: markets with a bookable slot and stalls with orderable products, read from
/// <c>GET api/markets</c> and <c>GET api/markets/{id}/catalog</c>. Slots follow the server's clock: the list it
/// answers holds only slots that can still be booked, and <see cref="RefreshSlotsAsync"/> re-reads it during a run.
/// </summary>
public sealed class MarketMap
{
    private volatile IReadOnlyList<LoadMarket> _markets;

    private MarketMap(IReadOnlyList<LoadMarket> markets, IReadOnlyList<string> notes)
    {
        _markets = markets;
        Notes = notes;
    }

    public IReadOnlyList<LoadMarket> Markets => _markets;

    /// <summary>Why markets were left out.</summary>
    public IReadOnlyList<string> Notes { get; }

    public static async Task<MarketMap> DiscoverAsync(HttpClient http, CancellationToken ct)
    {
        var notes = new List<string>();
        var markets = new List<LoadMarket>();
        var list = await GetArrayAsync(http, "api/markets", ct);
        foreach (var m in list.OfType<JsonObject>())
        {
            var id = m["id"]?.GetValue<string>();
            if (id is null || m["location"] is not JsonObject location)
            {
                notes.Add("a market without an id or location was skipped");
                continue;
            }

            if (FirstSlot(m) is not { } slot)
            {
                notes.Add($"market {id}: no bookable slot now");
                continue;
            }

            var catalog = await GetObjectAsync(http, $"api/markets/{Uri.EscapeDataString(id)}/catalog", ct);
            var stalls = new List<LoadStall>();
            foreach (var s in (catalog["stalls"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var products = (s["products"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(p => p["available"]?.GetValue<bool>() == true && p["sku"] is not null)
                    .Select(p => new OrderableProduct(p["sku"]!.GetValue<string>(), p["stock"] is JsonValue stock ? Math.Min(3, stock.GetValue<int>()) : 3))
                    .Where(p => p.MaxQuantity > 0)
                    .ToList();
                if (s["id"]?.GetValue<string>() is { } stallId && products.Count > 0)
                {
                    stalls.Add(new LoadStall(stallId, products));
                }
            }

            if (stalls.Count == 0)
            {
                notes.Add($"market {id}: no stall with an orderable product");
                continue;
            }

            markets.Add(new LoadMarket(id, location["lat"]!.GetValue<double>(), location["lon"]!.GetValue<double>(), slot, stalls));
        }

        return new MarketMap(markets, notes);
    }

    /// <summary>Re-reads the markets' bookable slots; a market whose slots are all gone keeps its last one.</summary>
    public async Task RefreshSlotsAsync(HttpClient http, CancellationToken ct)
    {
        var list = await GetArrayAsync(http, "api/markets", ct);
        var slots = list.OfType<JsonObject>()
            .Select(m => (Id: m["id"]?.GetValue<string>(), Slot: FirstSlot(m)))
            .Where(x => x.Id is not null && x.Slot is not null)
            .ToDictionary(x => x.Id!, x => x.Slot!, StringComparer.Ordinal);
        _markets = [.. _markets.Select(m => slots.TryGetValue(m.Id, out var slot) && slot != m.SlotId ? m with { SlotId = slot } : m)];
    }

    /// <summary>The earliest-starting slot the server lists as bookable now.</summary>
    private static string? FirstSlot(JsonObject market) =>
        (market["slots"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(s => s["slotId"] is not null && s["start"] is not null)
            .OrderBy(s => s["start"]!.GetValue<DateTimeOffset>())
            .Select(s => s["slotId"]!.GetValue<string>())
            .FirstOrDefault();

    private static async Task<JsonArray> GetArrayAsync(HttpClient http, string path, CancellationToken ct) =>
        await GetAsync(http, path, ct) as JsonArray ?? throw new InvalidDataException($"GET {path} did not answer a JSON array.");

    private static async Task<JsonObject> GetObjectAsync(HttpClient http, string path, CancellationToken ct) =>
        await GetAsync(http, path, ct) as JsonObject ?? throw new InvalidDataException($"GET {path} did not answer a JSON object.");

    /// <summary>A GET retried on 5xx and transport errors: discovery must not fail on one hiccup of a server under load.</summary>
    private static async Task<JsonNode?> GetAsync(HttpClient http, string path, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(path, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
                }

                if ((int)response.StatusCode < 500 || attempt >= 5)
                {
                    throw new InvalidDataException($"GET {path} answered {(int)response.StatusCode}.");
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested && attempt < 5)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
        }
    }
}
