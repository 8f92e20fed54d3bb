using System.Security.Cryptography;
using MarketDelivery.Contracts.Orders;

namespace MarketDelivery.Domain.Orders;

/// <summary>Delivery photos stored with their order (<c>md_delivery_photos</c> beside <c>md_orders</c>).</summary>
public interface IDeliveryPhotoStore
{
    /// <summary>Stores the photo; storing the same order and photo id again changes nothing.</summary>
    Task SaveAsync(DeliveryPhoto photo, CancellationToken cancellationToken = default);

    /// <summary>The photo, or null when the order has no photo with that id.</summary>
    Task<DeliveryPhoto?> ReadAsync(string orderId, string photoId, CancellationToken cancellationToken = default);
}

/// <summary>What a delivery photo may be, judged by its first bytes, never by a name or a declared content type.</summary>
public static class PhotoFormats
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string WebP = "image/webp";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The image type the bytes start like (JPEG, PNG or WebP), or null for anything else.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        if (content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF)
        {
            return Jpeg;
        }

        if (content.StartsWith(PngSignature))
        {
            return Png;
        }

        // RIFF <little-endian size> WEBP
        if (content.Length >= 12 && content[..4].SequenceEqual("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8))
        {
            return WebP;
        }

        return null;
    }

    /// <summary>A photo's id: from its content, so the same upload repeated names the same photo.</summary>
    public static string PhotoId(ReadOnlySpan<byte> content) =>
        "ph-" + Convert.ToHexStringLower(SHA256.HashData(content)[..12]);
}
