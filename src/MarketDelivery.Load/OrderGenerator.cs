using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MarketDelivery.Load;

/// <summary>An order to send: its Idempotency-Key and the JSON body, kept so that a re-send is byte-identical.</summary>
public sealed record GeneratedOrder(string IdempotencyKey, string MarketId, string Body, string CustomerId);

/// <summary>
/// Random baskets like a customer's: one market, 1-3 of its stalls, 1-2 products of each (both limits can be set), quantity 1-3 (never more than
/// the stock the catalogue shows), the earliest bookable slot, and an address within 300 m of the market.
/// </summary>
public sealed class OrderGenerator(MarketMap map, int maxStalls = 3, int maxProductsPerStall = 2)
{
    private const int Customers = 1000;
    private const double MaxDistanceMetres = 300;

    public GeneratedOrder Next(Random rng)
    {
        var markets = map.Markets;
        var market = markets[rng.Next(markets.Count)];
        var stalls = market.Stalls.OrderBy(_ => rng.Next()).Take(rng.Next(1, Math.Min(maxStalls, market.Stalls.Count) + 1));

        // A uniform point in a disc of 300 m around the market.
        var r = MaxDistanceMetres * Math.Sqrt(rng.NextDouble());
        var theta = rng.NextDouble() * 2 * Math.PI;
        var lat = market.Lat + r * Math.Cos(theta) / 111_320;
        var lon = market.Lon + r * Math.Sin(theta) / (111_320 * Math.Cos(market.Lat * Math.PI / 180));

        var customerId = string.Create(CultureInfo.InvariantCulture, $"load-customer-{rng.Next(Customers):000}");
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("customerId", customerId);
            json.WriteString("marketId", market.Id);
            json.WriteString("slotId", market.SlotId);
            json.WriteStartObject("deliveryAddress");
            json.WriteNumber("lat", Math.Round(lat, 6));
            json.WriteNumber("lon", Math.Round(lon, 6));
            json.WriteString("text", string.Create(CultureInfo.InvariantCulture, $"부하시험 {rng.Next(1, 200)}동 {rng.Next(101, 1500)}호"));
            json.WriteEndObject();
            json.WriteStartArray("lines");
            foreach (var stall in stalls)
            {
                foreach (var product in stall.Products.OrderBy(_ => rng.Next()).Take(rng.Next(1, Math.Min(maxProductsPerStall, stall.Products.Count) + 1)))
                {
                    json.WriteStartObject();
                    json.WriteString("stallId", stall.Id);
                    json.WriteString("sku", product.Sku);
                    json.WriteNumber("quantity", rng.Next(1, product.MaxQuantity + 1));
                    json.WriteStartObject("substitution");
                    json.WriteString("kind", "bestMatch");
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return new GeneratedOrder(Guid.NewGuid().ToString("N"), market.Id, Encoding.UTF8.GetString(buffer.ToArray()), customerId);
    }
}
