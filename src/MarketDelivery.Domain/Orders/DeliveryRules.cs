namespace MarketDelivery.Domain.Orders;

/// <summary>
/// Limits on a courier's proof of delivery, from the <c>Couriers</c> configuration section; every key is optional.
/// </summary>
public sealed class DeliveryRules
{
    /// <summary>Wrong delivery codes accepted for one order before codes for it are refused for <see cref="CodeLockout"/>.</summary>
    public int MaxCodeAttempts { get; set; } = 5;

    /// <summary>How long delivery codes for an order are refused after <see cref="MaxCodeAttempts"/> wrong ones.</summary>
    public TimeSpan CodeLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The largest delivery photo accepted, in bytes (5 MB).</summary>
    public long MaxPhotoBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Photos one order keeps; a further upload is refused, so the order's state stays small.</summary>
    public int MaxPhotosPerOrder { get; set; } = 5;
}
