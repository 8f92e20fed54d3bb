using System.Globalization;

namespace MarketDelivery.Domain.Orders;

/// <summary>
/// A position in a customer's history, newest first: the order placed at <see cref="PlacedAt"/> with id
/// <see cref="OrderId"/> (the id breaks ties between orders placed in the same instant). Its text form is
/// <c>{UTC ticks}_{orderId}</c>, which clients pass back as an opaque <c>before</c>.
/// </summary>
public sealed record OrderCursor(DateTimeOffset PlacedAt, string OrderId)
{
    public override string ToString() => $"{PlacedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{OrderId}";

    public static bool TryParse(string? text, out OrderCursor? cursor)
    {
        cursor = null;
        var at = text?.IndexOf('_', StringComparison.Ordinal) ?? -1;
        if (at <= 0
            || !long.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !OrderIds.LooksLikeOrderId(text![(at + 1)..]))
        {
            return false;
        }

        cursor = new OrderCursor(new DateTimeOffset(ticks, TimeSpan.Zero), text[(at + 1)..]);
        return true;
    }
}
