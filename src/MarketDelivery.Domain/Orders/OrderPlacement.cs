using System.Security.Cryptography;
using System.Text.Json;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Domain.Orders;

/// <summary>A basket line after validation: the product as the catalogue prices it today.</summary>
public sealed record PricedLine(int LineNo, Stall Stall, Product Product, int Quantity, Substitution Substitution);

/// <summary>A <see cref="PlaceOrder"/> that passed every rule, ready to become an <see cref="Order"/>.</summary>
public sealed record ValidatedOrder(PlaceOrder Command, Market Market, BookableSlot Slot, IReadOnlyList<PricedLine> Lines, string Fingerprint);

/// <summary>
/// Checks a basket against the catalogue and the clock. Every problem is collected (keyed by the JSON path of the
/// field) so a client can show them all at once; prices come from the catalogue, never from the client.
/// </summary>
public static class OrderPlacement
{
    /// <summary>More than this per line is a typing error, not a grocery order.</summary>
    public const int MaxQuantityPerLine = 99;
    public const int MaxLines = 60;
    public const int MaxTextLength = 200;

    /// <param name="stock">The merchants' availability and stock on top of the catalogue (none: the catalogue's own).</param>
    public static CommandResult<ValidatedOrder> Validate(MarketCatalog catalog, PlaceOrder command, DateTimeOffset now, StockLevels? stock = null)
    {
        var errors = new ErrorCollector();

        if (string.IsNullOrWhiteSpace(command.CustomerId))
        {
            errors.Add("customerId", "A customer id is required.");
        }
        else if (command.CustomerId.Length > MaxTextLength)
        {
            errors.Add("customerId", $"The customer id is longer than {MaxTextLength} characters.");
        }

        var market = string.IsNullOrWhiteSpace(command.MarketId) ? null : catalog.FindMarket(command.MarketId);
        if (market is null)
        {
            errors.Add("marketId", string.IsNullOrWhiteSpace(command.MarketId)
                ? "A market id is required."
                : $"There is no market '{command.MarketId}'.");
        }

        ValidateAddress(command.DeliveryAddress, market, errors);

        BookableSlot? slot = null;
        if (market is not null)
        {
            if (string.IsNullOrWhiteSpace(command.SlotId))
            {
                errors.Add("slotId", "A delivery slot is required.");
            }
            else if (market.TryResolveSlot(command.SlotId, now, out var resolved, out var slotError))
            {
                slot = resolved;
            }
            else
            {
                errors.Add("slotId", slotError);
            }
        }

        var lines = ValidateLines(command, market, stock ?? StockLevels.None, errors);

        if (errors.Any || market is null || slot is null)
        {
            return CommandError.Invalid(errors.ToDictionary());
        }

        return CommandResult<ValidatedOrder>.Ok(new ValidatedOrder(command, market, slot, lines, Fingerprint(command)));
    }

    private static void ValidateAddress(DeliveryAddress? address, Market? market, ErrorCollector errors)
    {
        if (address is null)
        {
            errors.Add("deliveryAddress", "A delivery address is required.");
            return;
        }

        if (double.IsNaN(address.Lat) || address.Lat is < -90 or > 90 || double.IsNaN(address.Lon) || address.Lon is < -180 or > 180)
        {
            errors.Add("deliveryAddress", "Latitude must be within ±90 and longitude within ±180 degrees.");
            return;
        }

        if (string.IsNullOrWhiteSpace(address.Text))
        {
            errors.Add("deliveryAddress.text", "The address text is required, so the courier can find the door.");
        }
        else if (address.Text.Length > MaxTextLength)
        {
            errors.Add("deliveryAddress.text", $"The address text is longer than {MaxTextLength} characters.");
        }

        if (market is not null && !market.Serves(new GeoPoint(address.Lat, address.Lon)))
        {
            errors.Add("deliveryAddress", $"The address is outside the delivery area of {market.Name}.");
        }
    }

    private static List<PricedLine> ValidateLines(PlaceOrder command, Market? market, StockLevels stockLevels, ErrorCollector errors)
    {
        var priced = new List<PricedLine>();
        var lines = command.Lines.IsDefault ? [] : command.Lines;
        if (lines.Length == 0)
        {
            errors.Add("lines", "The order has no lines.");
            return priced;
        }

        if (lines.Length > MaxLines)
        {
            errors.Add("lines", $"An order can have at most {MaxLines} lines.");
            return priced;
        }

        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var path = $"lines[{i}]";
            if (line is null)
            {
                errors.Add(path, "The line is empty.");
                continue;
            }

            if (line.Quantity <= 0)
            {
                errors.Add($"{path}.quantity", "The quantity must be at least 1.");
            }
            else if (line.Quantity > MaxQuantityPerLine)
            {
                errors.Add($"{path}.quantity", $"The quantity must be at most {MaxQuantityPerLine}.");
            }

            if (market is null)
            {
                continue;
            }

            var stall = string.IsNullOrWhiteSpace(line.StallId) ? null : market.FindStall(line.StallId);
            if (stall is null)
            {
                errors.Add($"{path}.stallId", string.IsNullOrWhiteSpace(line.StallId)
                    ? "A stall id is required."
                    : $"{market.Name} has no stall '{line.StallId}'.");
                continue;
            }

            var product = string.IsNullOrWhiteSpace(line.Sku) ? null : stall.FindProduct(line.Sku);
            if (product is null)
            {
                errors.Add($"{path}.sku", $"Stall {stall.Name} has no product '{line.Sku}'.");
                continue;
            }

            product = stockLevels.Apply(stall.Id, product);

            if (!product.Available)
            {
                errors.Add($"{path}.sku", $"{product.Name} is not available today.");
            }
            else if (product.Stock is { } stock && line.Quantity > stock)
            {
                errors.Add($"{path}.quantity", $"Only {stock} of {product.Name} are in stock.");
            }

            if (!seen.Add((stall.Id, product.Sku)))
            {
                errors.Add($"{path}.sku", $"{product.Name} of {stall.Name} appears twice; put the whole quantity on one line.");
            }

            var substitution = line.Substitution ?? Substitution.None;
            if (substitution.Kind == SubstitutionKind.Specific)
            {
                var substitute = string.IsNullOrWhiteSpace(substitution.Sku) ? null : stall.FindProduct(substitution.Sku);
                if (substitute is null)
                {
                    errors.Add($"{path}.substitution.sku", $"Stall {stall.Name} has no product '{substitution.Sku}' to substitute with.");
                }
                else if (substitute.Sku == product.Sku)
                {
                    errors.Add($"{path}.substitution.sku", "A product cannot substitute for itself.");
                }
            }
            else if (substitution.Sku is not null)
            {
                errors.Add($"{path}.substitution.sku", "A substitute sku is only allowed with kind 'specific'.");
            }

            if (line.Quantity is > 0 and <= MaxQuantityPerLine)
            {
                priced.Add(new PricedLine(i + 1, stall, product, line.Quantity, substitution));
            }
        }

        return priced;
    }

    /// <summary>
    /// A stable digest of what the customer asked for, to tell a retry from a different order under the same key.
    /// The fields are serialised as JSON, so free text (the address) can never pass for another line.
    /// </summary>
    public static string Fingerprint(PlaceOrder command)
    {
        var canonical = new
        {
            c = command.CustomerId,
            m = command.MarketId,
            s = command.SlotId,
            a = command.DeliveryAddress is { } a ? new { a.Lat, a.Lon, a.Text } : null,
            l = (command.Lines.IsDefault ? [] : command.Lines).Select(line => line is null
                ? null
                : new { line.StallId, line.Sku, line.Quantity, k = line.Substitution?.Kind, s = line.Substitution?.Sku }),
        };
        return Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(canonical)));
    }

    private sealed class ErrorCollector
    {
        private readonly Dictionary<string, List<string>> _errors = [];

        public bool Any => _errors.Count > 0;

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list))
            {
                _errors[field] = list = [];
            }

            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }
}
